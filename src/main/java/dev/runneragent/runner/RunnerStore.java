package dev.runneragent.runner;

import com.clarifai.grpc.api.Runner;
import dev.runneragent.api.Page;
import dev.runneragent.store.Db;
import dev.runneragent.store.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Registered runners: the Runner message plus the columns the queue matches items against. */
@ApplicationScoped
public class RunnerStore {

    /** A stored runner: its message, what the queue knows of it, and when a poll last came from it. */
    public record StoredRunner(Runner runner, RunnerProfile profile, Instant lastSeenAt) {}

    private static final String COLUMNS = "user_id, id, last_seen_at, model_id, model_version_id, workflow_id,"
            + " nodepool_id, hosted_models, capacity, cpu_millis, cpu_memory, accelerators, accelerator_memory,"
            + " accelerator_types, message";

    private final Db db;

    @Inject
    public RunnerStore(Db db) {
        this.db = db;
    }

    /** Inserts {@code runner}; false when the user has a runner with this id already (nothing is written then). */
    public boolean insert(Connection c, Runner runner, RunnerProfile profile, Instant createdAt) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM runners WHERE user_id = ? AND id = ?")) {
            exists.setString(1, profile.userId());
            exists.setString(2, profile.id());
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return false;
                }
            }
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO runners (" + COLUMNS + ", created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, profile.userId());
            insert.setString(2, profile.id());
            Sql.setTime(insert, 3, null);
            insert.setString(4, profile.modelId());
            insert.setString(5, profile.modelVersionId());
            insert.setString(6, profile.workflowId());
            insert.setString(7, profile.nodepoolId());
            insert.setString(8, String.join("\n", profile.hostedModels()));
            insert.setInt(9, profile.capacity());
            bindResources(insert, 10, profile.resources());
            insert.setBytes(15, runner.toByteArray());
            Sql.setTime(insert, 16, createdAt);
            insert.executeUpdate();
            return true;
        }
    }

    public Optional<StoredRunner> find(String userId, String id) {
        return db.read(c -> find(c, userId, id));
    }

    public Optional<StoredRunner> find(Connection c, String userId, String id) throws SQLException {
        try (PreparedStatement select =
                c.prepareStatement("SELECT " + COLUMNS + " FROM runners WHERE user_id = ? AND id = ?")) {
            select.setString(1, userId);
            select.setString(2, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        }
    }

    /** The user's runners, newest first. */
    public List<StoredRunner> list(String userId, Page page) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM runners WHERE user_id = ?"
                    + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?")) {
                select.setString(1, userId);
                select.setInt(2, page.perPage());
                select.setLong(3, page.offset());
                return readAll(select);
            }
        });
    }

    /** Every runner of the user, for the model locator. */
    public List<StoredRunner> all(String userId) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM runners WHERE user_id = ? ORDER BY created_at, id")) {
                select.setString(1, userId);
                return readAll(select);
            }
        });
    }

    /** Deletes the runners {@code ids} of the user; answers how many existed. */
    public int delete(Connection c, String userId, Collection<String> ids) throws SQLException {
        int deleted = 0;
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM runners WHERE user_id = ? AND id = ?")) {
            for (String id : ids) {
                delete.setString(1, userId);
                delete.setString(2, id);
                deleted += delete.executeUpdate();
            }
        }
        return deleted;
    }

    /** Records a poll from the runner. Skips the write when another poll recorded a time within {@code slack}. */
    public void touch(String userId, String id, Instant now, Instant notBefore) {
        db.read(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE runners SET last_seen_at = ?"
                    + " WHERE user_id = ? AND id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)")) {
                Sql.setTime(update, 1, now);
                update.setString(2, userId);
                update.setString(3, id);
                Sql.setTime(update, 4, notBefore);
                return update.executeUpdate();
            }
        });
    }

    private static void bindResources(PreparedStatement statement, int index, Resources resources) throws SQLException {
        if (resources == null) {
            statement.setNull(index, Types.BIGINT);
            statement.setNull(index + 1, Types.BIGINT);
            statement.setNull(index + 2, Types.INTEGER);
            statement.setNull(index + 3, Types.BIGINT);
            statement.setNull(index + 4, Types.VARCHAR);
            return;
        }
        statement.setLong(index, resources.cpuMillis());
        statement.setLong(index + 1, resources.cpuMemory());
        statement.setInt(index + 2, resources.accelerators());
        statement.setLong(index + 3, resources.acceleratorMemory());
        statement.setString(index + 4, resources.typesColumn());
    }

    private static List<StoredRunner> readAll(PreparedStatement select) throws SQLException {
        List<StoredRunner> runners = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                runners.add(read(rows));
            }
        }
        return runners;
    }

    private static StoredRunner read(ResultSet rows) throws SQLException {
        rows.getLong("cpu_millis");
        Resources resources = rows.wasNull()
                ? null
                : new Resources(
                        rows.getLong("cpu_millis"),
                        rows.getLong("cpu_memory"),
                        rows.getInt("accelerators"),
                        rows.getLong("accelerator_memory"),
                        Resources.typesOf(rows.getString("accelerator_types")));
        String hosted = rows.getString("hosted_models");
        RunnerProfile profile = new RunnerProfile(
                rows.getString("user_id"),
                rows.getString("id"),
                rows.getString("model_id"),
                rows.getString("model_version_id"),
                rows.getString("workflow_id"),
                rows.getString("nodepool_id"),
                hosted.isEmpty() ? List.of() : List.of(hosted.split("\n")),
                rows.getInt("capacity"),
                resources);
        return new StoredRunner(
                Sql.getMessage(rows, "message", Runner.parser()), profile, Sql.getTime(rows, "last_seen_at"));
    }
}
