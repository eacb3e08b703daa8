package dev.runneragent.runner;

import com.clarifai.grpc.api.PostModelOutputsRequest;
import dev.runneragent.runner.ItemStore.Leased;
import dev.runneragent.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The lease of {@link ItemStore#lease}: which pending items a runner may take, and how they are claimed on each
 * database.
 */
final class ItemLeases {

    private ItemLeases() {}

    /** See {@link ItemStore#lease}; {@code postgres} picks the claim that suits the database. */
    static List<Leased> lease(
            Connection c, boolean postgres, RunnerProfile runner, int limit, Instant now, Instant leaseUntil)
            throws SQLException {
        List<Object> parameters = new ArrayList<>(List.of(runner.userId(), now, runner.id(), runner.nodepoolId()));
        String where = " WHERE user_id = ? AND state = 'PENDING' AND deadline_at > ?"
                + " AND (runner_id = '' OR runner_id = ?) AND (nodepool_id = '' OR nodepool_id = ?)"
                + matching(runner, parameters);
        return postgres
                ? leaseInOneStatement(c, runner, where, parameters, limit, leaseUntil)
                : leaseOneByOne(c, runner, where, parameters, limit, leaseUntil);
    }

    private static List<Leased> leaseInOneStatement(
            Connection c, RunnerProfile runner, String where, List<Object> parameters, int limit, Instant leaseUntil)
            throws SQLException {
        List<Object> all = new ArrayList<>(List.of(runner.userId(), runner.id()));
        all.addAll(parameters);
        all.addAll(List.of(limit + CANDIDATE_SLACK, limit, runner.id(), leaseUntil));
        try (PreparedStatement lease =
                c.prepareStatement("WITH holder AS (SELECT 1 FROM runners WHERE user_id = ? AND id = ? FOR KEY SHARE),"
                        + " candidates AS (SELECT pk FROM runner_items" + where
                        + " AND EXISTS (SELECT 1 FROM holder) ORDER BY pk LIMIT ?),"
                        + " claimed AS (SELECT pk FROM runner_items WHERE pk IN (SELECT pk FROM candidates)"
                        + " AND state = 'PENDING' ORDER BY pk LIMIT ? FOR UPDATE SKIP LOCKED)"
                        + " UPDATE runner_items r SET state = 'LEASED', lease_owner = ?, lease_expires_at = ?,"
                        + " attempts = r.attempts + 1 FROM claimed WHERE r.pk = claimed.pk"
                        + " RETURNING r.pk, r.id, r.model_id, r.attempts, r.request, r.created_at")) {
            ItemStore.bind(lease, all);
            List<Leased> leased = new ArrayList<>(leasedRows(lease, 0));
            leased.sort(Comparator.comparingLong(Leased::pk));
            return leased;
        }
    }

    private static List<Leased> leaseOneByOne(
            Connection c, RunnerProfile runner, String where, List<Object> parameters, int limit, Instant leaseUntil)
            throws SQLException {
        List<Object> all = new ArrayList<>(parameters);
        all.add(limit + CANDIDATE_SLACK);
        List<Long> candidates = new ArrayList<>();
        try (PreparedStatement select =
                c.prepareStatement("SELECT pk FROM runner_items" + where + " ORDER BY pk LIMIT ?")) {
            ItemStore.bind(select, all);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    candidates.add(rows.getLong(1));
                }
            }
        }
        if (candidates.isEmpty()) {
            return List.of(); // nothing locked: a poll that finds nothing writes nothing
        }
        try (PreparedStatement hold =
                c.prepareStatement("SELECT 1 FROM runners WHERE user_id = ? AND id = ? FOR UPDATE")) {
            ItemStore.bind(hold, List.of(runner.userId(), runner.id()));
            try (ResultSet rows = hold.executeQuery()) {
                if (!rows.next()) {
                    return List.of();
                }
            }
        }
        List<Leased> leased = new ArrayList<>();
        try (PreparedStatement claim = c.prepareStatement("SELECT " + LEASED_COLUMNS + " FROM runner_items"
                + " WHERE pk = ? AND state = 'PENDING' FOR UPDATE SKIP LOCKED")) {
            for (int i = 0; i < candidates.size() && leased.size() < limit; i++) {
                claim.setLong(1, candidates.get(i));
                leased.addAll(leasedRows(claim, 1));
            }
        }
        if (leased.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement update = c.prepareStatement("UPDATE runner_items SET state = 'LEASED',"
                + " lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1 WHERE pk IN ("
                + ItemStore.placeholders(leased.size()) + ")")) {
            update.setString(1, runner.id());
            Sql.setTime(update, 2, leaseUntil);
            for (int i = 0; i < leased.size(); i++) {
                update.setLong(3 + i, leased.get(i).pk());
            }
            update.executeUpdate();
        }
        return leased;
    }

    /** Candidates H2 reads beyond the limit, for those that concurrent polls claim first. */
    private static final int CANDIDATE_SLACK = 16;

    private static final String LEASED_COLUMNS = "pk, id, model_id, attempts, request, created_at";

    /** The rows {@code select} answers as leases; {@code attemptsAdded} is what the lease adds to their attempts. */
    private static List<Leased> leasedRows(PreparedStatement select, int attemptsAdded) throws SQLException {
        List<Leased> leased = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                leased.add(new Leased(
                        rows.getLong("pk"),
                        rows.getString("id"),
                        rows.getString("model_id"),
                        Sql.getMessage(rows, "request", PostModelOutputsRequest.parser()),
                        rows.getInt("attempts") + attemptsAdded,
                        Sql.getTime(rows, "created_at")));
            }
        }
        return leased;
    }

    /** The conditions that restrict items to what the runner's binding, models and resources allow. */
    private static String matching(RunnerProfile runner, List<Object> parameters) {
        StringBuilder sql = new StringBuilder();
        if (!runner.modelId().isEmpty()) {
            sql.append(" AND model_id = ?");
            parameters.add(runner.modelId());
            if (!runner.modelVersionId().isEmpty()) {
                sql.append(" AND (version_id = '' OR version_id = ?)");
                parameters.add(runner.modelVersionId());
            }
        } else if (!runner.workflowId().isEmpty()) {
            sql.append(" AND workflow_id = ?");
            parameters.add(runner.workflowId());
        } else if (!runner.hostedModels().isEmpty()) {
            sql.append(" AND model_id IN (")
                    .append(ItemStore.placeholders(runner.hostedModels().size()))
                    .append(')');
            parameters.addAll(runner.hostedModels());
        }
        Resources has = runner.resources();
        if (has != null) {
            sql.append(" AND req_cpu_millis <= ? AND req_cpu_memory <= ? AND req_accelerators <= ?");
            parameters.add(has.cpuMillis());
            parameters.add(has.cpuMemory());
            parameters.add(has.accelerators());
            sql.append(" AND (req_accelerators = 0 OR (req_accelerator_memory <= ?");
            parameters.add(has.acceleratorMemory());
            if (!has.types().isEmpty()) {
                sql.append(" AND (req_accelerator_types = ''");
                for (String type : has.types()) {
                    sql.append(" OR req_accelerator_types LIKE ?");
                    parameters.add("%," + type + ",%");
                }
                sql.append(')');
            }
            sql.append("))");
        }
        return sql.toString();
    }
}
