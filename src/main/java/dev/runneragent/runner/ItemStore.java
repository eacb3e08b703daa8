package dev.runneragent.runner;

import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.status.Status;
import dev.runneragent.store.Db;
import dev.runneragent.store.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runner-item queue in SQL. Every method works inside the caller's transaction; the services compose them. Rows
 * are locked with {@code FOR UPDATE}: polls skip rows others hold ({@code SKIP LOCKED}), reports wait for them.
 */
@ApplicationScoped
public class ItemStore {

    /** The states of an item. */
    public enum State {
        PENDING,
        LEASED,
        DONE,
        FAILED,
        CANCELLED;

        public boolean finished() {
            return this == DONE || this == FAILED || this == CANCELLED;
        }
    }

    /** Whom an item may go to; empty strings for "any". */
    public record Target(String runnerId, String nodepoolId, String workflowId) {
        public static final Target ANY = new Target("", "", "");
    }

    /** An item to queue. */
    public record NewItem(
            String id,
            String userId,
            PostModelOutputsRequest request,
            Target target,
            Resources need,
            Instant deadline) {}

    /** An item a poll leased: the attempt counts from 1. */
    public record Leased(
            long pk, String id, String modelId, PostModelOutputsRequest request, int attempt, Instant createdAt) {}

    /** An item as a report, a sweep or a cancellation sees it, locked for the rest of the transaction. */
    public record Row(
            long pk,
            String id,
            String userId,
            String modelId,
            String versionId,
            Target target,
            Resources need,
            State state,
            String leaseOwner,
            Instant leaseExpiresAt,
            int attempts,
            int inputCount,
            String origin,
            MultiOutputResponse response) {

        /** This row as it is once finished with {@code response} (for later requests of the same batch). */
        Row finished(State finalState, MultiOutputResponse finalResponse) {
            return new Row(
                    pk,
                    id,
                    userId,
                    modelId,
                    versionId,
                    target,
                    need,
                    finalState,
                    leaseOwner,
                    null,
                    attempts,
                    inputCount,
                    origin,
                    finalResponse);
        }
    }

    /** Pending and leased items of one model and nodepool, for the queue gauges. */
    public record QueueCount(String modelId, String nodepoolId, long pending, long leased, Instant oldestPending) {}

    private static final String ROW_COLUMNS =
            "pk, id, user_id, model_id, version_id, runner_id, nodepool_id, workflow_id, req_cpu_millis, req_cpu_memory,"
                    + " req_accelerators, req_accelerator_memory, req_accelerator_types, state, lease_owner,"
                    + " lease_expires_at, attempts, input_count, origin, response";

    private final boolean postgres;

    @Inject
    public ItemStore(Db db) {
        this.postgres = db.dialect() == Db.Dialect.POSTGRESQL;
    }

    /** Inserts {@code items}, pending; {@code origin} is the replica whose callers wait for them. */
    public void insert(Connection c, Collection<NewItem> items, Instant now, String origin) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO runner_items (id, user_id, state, model_id,"
                        + " version_id, workflow_id, runner_id, nodepool_id, input_count, req_cpu_millis, req_cpu_memory,"
                        + " req_accelerators, req_accelerator_memory, req_accelerator_types, created_at, deadline_at,"
                        + " attempts, origin, request) VALUES (?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)")) {
            for (NewItem item : items) {
                PostModelOutputsRequest request = item.request();
                insert.setString(1, item.id());
                insert.setString(2, item.userId());
                insert.setString(3, request.getModelId());
                insert.setString(4, request.getVersionId());
                insert.setString(5, item.target().workflowId());
                insert.setString(6, item.target().runnerId());
                insert.setString(7, item.target().nodepoolId());
                insert.setInt(8, request.getInputsCount());
                Resources need = item.need();
                insert.setLong(9, need.cpuMillis());
                insert.setLong(10, need.cpuMemory());
                insert.setInt(11, need.accelerators());
                insert.setLong(12, need.acceleratorMemory());
                insert.setString(13, need.typesColumn());
                Sql.setTime(insert, 14, now);
                Sql.setTime(insert, 15, item.deadline());
                insert.setString(16, origin);
                insert.setBytes(17, request.toByteArray());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * Leases up to {@code limit} pending items that {@code runner} can take, oldest first, skipping items other
     * transactions hold, until {@code leaseUntil}. The lease holds the runner's row too, so that deleting the runner
     * waits for it and then sees what it leased; a deleted runner leases nothing.
     *
     * <p>The candidates are read first from the transaction's snapshot, then claimed with
     * {@code FOR UPDATE SKIP LOCKED}: locking while scanning would step through every row that concurrent polls
     * leased since the last vacuum, re-checking each. On PostgreSQL the whole lease is one statement. H2 locks every
     * row a {@code FOR UPDATE} query matches, not only those it returns, so there each candidate is claimed alone; and
     * since a lock is a write to H2's file, the runner's row is locked only once there are candidates (a poll that
     * finds nothing writes nothing).
     * ({@link RunnerQueue} lets the lease commit without waiting for its disk flush, on PostgreSQL.)
     */
    public List<Leased> lease(Connection c, RunnerProfile runner, int limit, Instant now, Instant leaseUntil)
            throws SQLException {
        return ItemLeases.lease(c, postgres, runner, limit, now, leaseUntil);
    }

    static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            Object parameter = parameters.get(i);
            if (parameter instanceof Instant time) {
                Sql.setTime(statement, i + 1, time);
            } else {
                statement.setObject(i + 1, parameter);
            }
        }
    }

    /** The item {@code id}, locked until the transaction ends. */
    public Optional<Row> lock(Connection c, String id) throws SQLException {
        try (PreparedStatement select =
                c.prepareStatement("SELECT " + ROW_COLUMNS + " FROM runner_items WHERE id = ? FOR UPDATE")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(row(rows)) : Optional.empty();
            }
        }
    }

    /**
     * The items {@code ids} by id, locked until the transaction ends. Rows are locked in primary-key order, so that
     * two transactions locking overlapping sets wait for each other instead of deadlocking.
     */
    public Map<String, Row> lockAll(Connection c, Collection<String> ids) throws SQLException {
        Map<String, Row> locked = new HashMap<>();
        if (ids.isEmpty()) {
            return locked;
        }
        try (PreparedStatement select = c.prepareStatement("SELECT " + ROW_COLUMNS + " FROM runner_items WHERE id IN ("
                + placeholders(ids.size()) + ") ORDER BY pk FOR UPDATE")) {
            bind(select, new ArrayList<>(ids));
            for (Row row : rows(select)) {
                locked.put(row.id(), row);
            }
        }
        return locked;
    }

    /** Leased items whose lease ended before {@code now}, skipping those others hold. */
    public List<Row> expiredLeases(Connection c, Instant now, int limit) throws SQLException {
        return lockRows(
                c,
                "state = 'LEASED' AND lease_expires_at < ? ORDER BY lease_expires_at LIMIT ? FOR UPDATE SKIP LOCKED",
                now,
                limit);
    }

    /** Unfinished items whose caller's deadline passed before {@code before}, skipping those others hold. */
    public List<Row> overdue(Connection c, Instant before, int limit) throws SQLException {
        return lockRows(
                c,
                "state IN ('PENDING', 'LEASED') AND deadline_at < ? ORDER BY pk LIMIT ? FOR UPDATE SKIP LOCKED",
                before,
                limit);
    }

    /** Unfinished items leased to, or addressed to, the runner; locked. */
    public List<Row> ofRunner(Connection c, String userId, String runnerId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + ROW_COLUMNS + " FROM runner_items"
                + " WHERE user_id = ? AND state IN ('PENDING', 'LEASED') AND (lease_owner = ? OR runner_id = ?)"
                + " ORDER BY pk FOR UPDATE")) {
            select.setString(1, userId);
            select.setString(2, runnerId);
            select.setString(3, runnerId);
            return rows(select);
        }
    }

    private List<Row> lockRows(Connection c, String where, Instant time, int limit) throws SQLException {
        try (PreparedStatement select =
                c.prepareStatement("SELECT " + ROW_COLUMNS + " FROM runner_items WHERE " + where)) {
            Sql.setTime(select, 1, time);
            select.setInt(2, limit);
            return rows(select);
        }
    }

    /**
     * Finishes the rows {@code responses} names (by primary key) in {@code state}, in one batch. The lease owner
     * stays recorded: for a done item, the runner that completed it.
     */
    public void finishAll(Connection c, Map<Long, MultiOutputResponse> responses, State state, Instant now)
            throws SQLException {
        if (responses.isEmpty()) {
            return;
        }
        try (PreparedStatement update = c.prepareStatement("UPDATE runner_items SET state = ?, response = ?,"
                + " finished_at = ?, lease_expires_at = NULL WHERE pk = ?")) {
            for (Map.Entry<Long, MultiOutputResponse> finished : responses.entrySet()) {
                update.setString(1, state.name());
                update.setBytes(2, finished.getValue().toByteArray());
                Sql.setTime(update, 3, now);
                update.setLong(4, finished.getKey());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /** Extends a lease to {@code until} and records the runner's progress report. */
    public void renew(Connection c, long pk, Instant until, Status progress) throws SQLException {
        try (PreparedStatement update =
                c.prepareStatement("UPDATE runner_items SET lease_expires_at = ?, progress = ? WHERE pk = ?")) {
            Sql.setTime(update, 1, until);
            update.setBytes(2, progress.toByteArray());
            update.setLong(3, pk);
            update.executeUpdate();
        }
    }

    /**
     * Puts a leased item back in the queue. {@code charged} false takes back the attempt its lease counted (a
     * runner handed it back unstarted, or was deleted before it could finish).
     */
    public void requeue(Connection c, long pk, boolean charged) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE runner_items SET state = 'PENDING',"
                + " lease_owner = NULL, lease_expires_at = NULL, attempts = attempts - ? WHERE pk = ?")) {
            update.setInt(1, charged ? 0 : 1);
            update.setLong(2, pk);
            update.executeUpdate();
        }
    }

    /** The finished items among {@code ids}, with their responses (for callers whose signal may have been lost). */
    public Map<String, MultiOutputResponse> finishedAmong(Connection c, List<String> ids) throws SQLException {
        Map<String, MultiOutputResponse> finished = new HashMap<>();
        if (ids.isEmpty()) {
            return finished;
        }
        try (PreparedStatement select = c.prepareStatement("SELECT " + ROW_COLUMNS + " FROM runner_items"
                + " WHERE id IN (" + placeholders(ids.size()) + ") AND state IN ('DONE', 'FAILED', 'CANCELLED')")) {
            for (int i = 0; i < ids.size(); i++) {
                select.setString(i + 1, ids.get(i));
            }
            for (Row row : rows(select)) {
                finished.put(row.id(), row.response());
            }
        }
        return finished;
    }

    /** Deletes items that finished before {@code before}; answers how many. */
    public int purge(Connection c, Instant before) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM runner_items WHERE finished_at < ?")) {
            Sql.setTime(delete, 1, before);
            return delete.executeUpdate();
        }
    }

    /** The queue by model and nodepool: pending and leased items, and when the oldest pending one was queued. */
    public List<QueueCount> counts(Connection c) throws SQLException {
        List<QueueCount> counts = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT model_id, nodepool_id,"
                        + " SUM(CASE WHEN state = 'PENDING' THEN 1 ELSE 0 END) AS pending,"
                        + " SUM(CASE WHEN state = 'LEASED' THEN 1 ELSE 0 END) AS leased,"
                        + " MIN(CASE WHEN state = 'PENDING' THEN created_at END) AS oldest"
                        + " FROM runner_items WHERE state IN ('PENDING', 'LEASED') GROUP BY model_id, nodepool_id");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                counts.add(new QueueCount(
                        rows.getString("model_id"),
                        rows.getString("nodepool_id"),
                        rows.getLong("pending"),
                        rows.getLong("leased"),
                        Sql.getTime(rows, "oldest")));
            }
        }
        return counts;
    }

    private static List<Row> rows(PreparedStatement select) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet result = select.executeQuery()) {
            while (result.next()) {
                rows.add(row(result));
            }
        }
        return rows;
    }

    private static Row row(ResultSet rows) throws SQLException {
        byte[] response = rows.getBytes("response");
        return new Row(
                rows.getLong("pk"),
                rows.getString("id"),
                rows.getString("user_id"),
                rows.getString("model_id"),
                rows.getString("version_id"),
                new Target(rows.getString("runner_id"), rows.getString("nodepool_id"), rows.getString("workflow_id")),
                new Resources(
                        rows.getLong("req_cpu_millis"),
                        rows.getLong("req_cpu_memory"),
                        rows.getInt("req_accelerators"),
                        rows.getLong("req_accelerator_memory"),
                        Resources.typesOf(rows.getString("req_accelerator_types"))),
                State.valueOf(rows.getString("state")),
                rows.getString("lease_owner"),
                Sql.getTime(rows, "lease_expires_at"),
                rows.getInt("attempts"),
                rows.getInt("input_count"),
                rows.getString("origin"),
                response == null ? null : Sql.getMessage(rows, "response", MultiOutputResponse.parser()));
    }

    static String placeholders(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }
}
