package dev.runneragent.agent;

import com.clarifai.grpc.api.MultiOutputResponse;
import dev.runneragent.store.Db;
import dev.runneragent.store.Sql;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finished items' outputs, kept in the node's store until the upstream hub has taken them: written before the first
 * post, deleted after the hub's acknowledgement, and posted again (also after a restart) while the hub cannot be
 * reached.
 *
 * <p>The write before the post is a commit on the item's path; the delete after the acknowledgement is not: results
 * the hub took are left out of {@link #pending} at once, and their rows are deleted with the next result's write, or
 * in the background when none comes soon. A result whose delete a crash lost is posted once more after the restart, and the hub answers that repeat as
 * it answered the first post.
 */
@ApplicationScoped
public class Outbox {

    /** A result waiting for the hub. */
    public record Entry(String runnerId, String itemId, MultiOutputResponse response, int attempts) {}

    private final Db db;
    private final Clock clock;
    /** Results kept, as counted at the last {@link #recount} and changed since; -1 before the first count. */
    private final AtomicLong depth = new AtomicLong(-1);
    /** Results the hub took whose rows are not deleted yet, and the queue of their deletes. */
    private final Set<Taken> forgotten = ConcurrentHashMap.newKeySet();

    private final BlockingQueue<Taken> toDelete = new LinkedBlockingQueue<>();
    private final Thread deleter;

    private static final int DELETE_BATCH = 256;
    private static final Duration RETRY_DELETE = Duration.ofSeconds(1);
    /** How long a delete waits for a put to take it along before it runs in a transaction of its own. */
    private static final Duration LINGER = Duration.ofMillis(200);

    @Inject
    public Outbox(Db db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.deleter = new Thread(this::deleteLoop, "agent-outbox-deletes");
        deleter.setDaemon(true);
        deleter.start();
    }

    /**
     * Keeps {@code response} as the result of {@code itemId}; a result kept already stays as it was. The rows of
     * results the hub took meanwhile are deleted in the same transaction.
     */
    public void put(String runnerId, String itemId, MultiOutputResponse response) {
        List<Taken> taken = new ArrayList<>();
        toDelete.drainTo(taken, DELETE_BATCH);
        boolean kept;
        try {
            kept = db.inTransaction(c -> {
                delete(c, taken);
                return insert(c, runnerId, itemId, response);
            });
        } catch (RuntimeException e) {
            toDelete.addAll(taken);
            throw e;
        }
        taken.forEach(forgotten::remove);
        if (kept) {
            depth.incrementAndGet();
        }
    }

    private boolean insert(Connection c, String runnerId, String itemId, MultiOutputResponse response)
            throws SQLException {
        try (PreparedStatement exists =
                c.prepareStatement("SELECT 1 FROM agent_outbox WHERE runner_id = ? AND item_id = ?")) {
            exists.setString(1, runnerId);
            exists.setString(2, itemId);
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return false;
                }
            }
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO agent_outbox"
                + " (runner_id, item_id, response, created_at, attempts) VALUES (?, ?, ?, ?, 0)")) {
            insert.setString(1, runnerId);
            insert.setString(2, itemId);
            insert.setBytes(3, response.toByteArray());
            Sql.setTime(insert, 4, clock.instant());
            insert.executeUpdate();
        }
        return true;
    }

    /** Counts the results kept, for {@link #depth}. */
    public long recount() {
        long kept = db.read(c -> {
            try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM agent_outbox");
                    ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        });
        depth.set(kept - forgotten.size());
        return kept;
    }

    /** The results kept, of every runner id this node has had, without a query. */
    public long depth() {
        return Math.max(0, depth.get());
    }

    /** Counts a failed post of the result. */
    public void failed(String runnerId, String itemId) {
        db.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE agent_outbox SET attempts = attempts + 1 WHERE runner_id = ? AND item_id = ?")) {
                update.setString(1, runnerId);
                update.setString(2, itemId);
                return update.executeUpdate();
            }
        });
    }

    /** Forgets the result: the hub took it, or will never take it. Its row is deleted soon, with others. */
    public void remove(String runnerId, String itemId) {
        Taken taken = new Taken(runnerId, itemId);
        if (forgotten.add(taken)) {
            depth.decrementAndGet();
            toDelete.add(taken);
        }
    }

    /** A result the hub took, whose row waits for {@link #deleteForgotten}. */
    private record Taken(String runnerId, String itemId) {}

    /** Deletes the rows of every result forgotten so far, now (the background deletes may be taking some too). */
    public void settle() {
        deleteForgotten(new ArrayList<>(forgotten));
    }

    private void deleteLoop() {
        List<Taken> batch = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.add(toDelete.take());
                Thread.sleep(LINGER.toMillis()); // meanwhile, the next result's put may take the rest along
            } catch (InterruptedException e) {
                toDelete.addAll(batch); // for settle, or the next start's repeat posts
                return;
            }
            toDelete.drainTo(batch, DELETE_BATCH - 1);
            try {
                deleteForgotten(batch);
            } catch (RuntimeException e) {
                Log.warnf("Agent: %d delivered result(s) stay in the outbox for now: %s", batch.size(), e.getMessage());
                toDelete.addAll(batch);
                try {
                    Thread.sleep(RETRY_DELETE.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
            batch.clear();
        }
    }

    private void deleteForgotten(List<Taken> batch) {
        if (batch.isEmpty()) {
            return;
        }
        db.inTransaction(c -> {
            delete(c, batch);
            return null;
        });
        batch.forEach(forgotten::remove);
    }

    private static void delete(Connection c, List<Taken> batch) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        try (PreparedStatement delete =
                c.prepareStatement("DELETE FROM agent_outbox WHERE runner_id = ? AND item_id = ?")) {
            for (Taken taken : batch) {
                delete.setString(1, taken.runnerId());
                delete.setString(2, taken.itemId());
                delete.addBatch();
            }
            delete.executeBatch();
        }
    }

    @PreDestroy
    void close() {
        deleter.interrupt();
    }

    /** The oldest results of {@code runnerId} waiting for the hub, at most {@code limit}. */
    public List<Entry> pending(String runnerId, int limit) {
        return db.read(c -> {
            try (PreparedStatement query = c.prepareStatement("SELECT item_id, response, attempts FROM agent_outbox"
                    + " WHERE runner_id = ? ORDER BY created_at, item_id LIMIT ?")) {
                query.setString(1, runnerId);
                query.setInt(2, limit + forgotten.size()); // forgotten rows are skipped below
                List<Entry> entries = new ArrayList<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next() && entries.size() < limit) {
                        if (forgotten.contains(new Taken(runnerId, rows.getString("item_id")))) {
                            continue;
                        }
                        entries.add(new Entry(
                                runnerId,
                                rows.getString("item_id"),
                                Sql.getMessage(rows, "response", MultiOutputResponse.parser()),
                                rows.getInt("attempts")));
                    }
                }
                return entries;
            }
        });
    }
}
