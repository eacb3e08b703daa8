package dev.runneragent.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.api.ApiException;
import dev.runneragent.store.Db;
import dev.runneragent.store.Sql;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Workflow states in the store: made, renewed by use, refused when unknown, foreign or expired, purged later. */
@QuarkusTest
class WorkflowStatesTest {

    @Inject
    WorkflowStates states;

    @Inject
    Db db;

    private void lastUsed(String id, Instant when) {
        db.inTransaction(c -> {
            try (PreparedStatement update =
                    c.prepareStatement("UPDATE workflow_states SET last_used_at = ? WHERE id = ?")) {
                Sql.setTime(update, 1, when);
                update.setString(2, id);
                return update.executeUpdate();
            }
        });
    }

    private Instant lastUsed(String id) {
        return db.read(c -> {
            try (PreparedStatement query =
                    c.prepareStatement("SELECT last_used_at FROM workflow_states WHERE id = ?")) {
                query.setString(1, id);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next() ? Sql.getTime(rows, "last_used_at") : null;
                }
            }
        });
    }

    private static ApiException refused(Runnable call) {
        ApiException refused = assertThrows(ApiException.class, call::run);
        assertEquals(StatusCode.WORKFLOW_INVALID_ARGUMENT, refused.code());
        return refused;
    }

    @Test
    void aStateIsRenewedByEachUse() {
        String id = states.init("alice", "app", "flow");
        assertNotEquals(id, states.init("alice", "app", "flow"));
        Instant old = Instant.now().minus(Duration.ofMinutes(4));
        lastUsed(id, old);

        states.use("alice", "app", "flow", id);

        assertTrue(lastUsed(id).isAfter(old.plus(Duration.ofMinutes(3))), "renewed: " + lastUsed(id));
    }

    @Test
    void unknownForeignAndExpiredStatesAreRefused() {
        String id = states.init("alice", "app", "flow");

        assertTrue(refused(() -> states.use("alice", "app", "flow", "nope"))
                .details()
                .contains("unknown"));
        assertTrue(refused(() -> states.use("bob", "app", "flow", id)).details().contains("unknown"), "another user");
        assertTrue(refused(() -> states.use("alice", "app", "other", id))
                .details()
                .contains("belongs to another workflow ('app/flow')"));
        assertTrue(refused(() -> states.use("alice", "other-app", "flow", id))
                .details()
                .contains("another workflow"));

        lastUsed(id, Instant.now().minus(Duration.ofMinutes(5)).minusSeconds(1));
        assertTrue(
                refused(() -> states.use("alice", "app", "flow", id)).details().contains("expired"));
    }

    @Test
    void statesExpiredLongAgoAreDeletedWhenANewOneIsMade() {
        String ancient = states.init("alice", "app", "flow");
        String recent = states.init("alice", "app", "flow");
        lastUsed(ancient, Instant.now().minus(Duration.ofHours(1)));
        lastUsed(recent, Instant.now().minus(Duration.ofMinutes(6)));

        states.init("alice", "app", "flow");

        assertEquals(null, lastUsed(ancient));
        assertTrue(lastUsed(recent) != null, "an expired state is kept a while, so that its use says 'expired'");
    }
}
