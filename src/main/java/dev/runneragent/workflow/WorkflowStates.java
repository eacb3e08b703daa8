package dev.runneragent.workflow;

import dev.runneragent.api.ResourceKind;
import dev.runneragent.store.Db;
import dev.runneragent.store.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Workflow states in the store: {@code "init"} makes one for a user's workflow, and each later call that passes it
 * back renews it. A state unused for {@code runner.workflow.state-ttl} has expired; a call that names it, an
 * unknown id, or another workflow's state is refused with {@code WORKFLOW_INVALID_ARGUMENT}. No model of this node
 * keeps anything between calls, so a state carries no data of its own: it is the id and its lifetime.
 */
@ApplicationScoped
public class WorkflowStates {

    /** The id a client sends to ask for a new state. */
    public static final String INIT = "init";

    private static final ResourceKind KIND = ResourceKind.WORKFLOW;

    private final Db db;
    private final Clock clock;
    private final Duration ttl;

    @Inject
    public WorkflowStates(Db db, Clock clock, WorkflowConfig config) {
        this.db = db;
        this.clock = clock;
        this.ttl = config.stateTtl();
    }

    /** A new state of {@code workflowId}; states that expired long ago (ten lifetimes) are deleted on the way. */
    public String init(String userId, String appId, String workflowId) {
        String id = UUID.randomUUID().toString().replace("-", "");
        Instant now = clock.instant();
        db.inTransaction(c -> {
            try (PreparedStatement purge = c.prepareStatement("DELETE FROM workflow_states WHERE last_used_at < ?")) {
                Sql.setTime(purge, 1, now.minus(ttl.multipliedBy(10)));
                purge.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO workflow_states"
                    + " (id, user_id, app_id, workflow_id, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, userId);
                insert.setString(3, appId);
                insert.setString(4, workflowId);
                Sql.setTime(insert, 5, now);
                Sql.setTime(insert, 6, now);
                insert.executeUpdate();
            }
            return null;
        });
        return id;
    }

    /** Checks that {@code stateId} is a live state of {@code workflowId} and renews it. */
    public void use(String userId, String appId, String workflowId, String stateId) {
        Instant now = clock.instant();
        db.inTransaction(c -> {
            String owner = ownerOf(c, userId, stateId, now);
            if (!owner.equals(appId + "/" + workflowId)) {
                throw KIND.invalid("workflowState.id '" + stateId + "' belongs to another workflow ('" + owner
                        + "'); a state is used with the workflow it was made for");
            }
            try (PreparedStatement touch =
                    c.prepareStatement("UPDATE workflow_states SET last_used_at = ? WHERE id = ?")) {
                Sql.setTime(touch, 1, now);
                touch.setString(2, stateId);
                touch.executeUpdate();
            }
            return null;
        });
    }

    /** {@code app/workflow} of a live state of the user, or a refusal naming why there is none. */
    private String ownerOf(Connection c, String userId, String stateId, Instant now) throws SQLException {
        try (PreparedStatement query = c.prepareStatement("SELECT app_id, workflow_id, last_used_at FROM"
                + " workflow_states WHERE id = ? AND user_id = ? FOR UPDATE")) {
            query.setString(1, stateId);
            query.setString(2, userId);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    throw KIND.invalid("workflowState.id '" + stateId + "' is unknown; send {\"id\": \"" + INIT
                            + "\"} to start a state");
                }
                Instant lastUsed = Sql.getTime(rows, "last_used_at");
                if (!lastUsed.plus(ttl).isAfter(now)) {
                    throw KIND.invalid("workflowState.id '" + stateId + "' expired at " + lastUsed.plus(ttl)
                            + " (" + ttl.toMinutes() + " minute(s) after its last use); send {\"id\": \"" + INIT
                            + "\"} to start a new one");
                }
                return rows.getString("app_id") + "/" + rows.getString("workflow_id");
            }
        }
    }
}
