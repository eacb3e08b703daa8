package dev.runneragent.runner;

import com.clarifai.grpc.api.MultiOutputResponse;
import dev.runneragent.store.Db;
import dev.runneragent.store.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;

/** What the runner-item table holds, read straight from the store, for tests that check the queue's effects. */
public final class StoredItems {

    private final Db db;

    public StoredItems(Db db) {
        this.db = db;
    }

    /** The item's state, or null when there is no such item. */
    public String state(String itemId) {
        return column("state", itemId, rows -> rows.getString(1));
    }

    Instant leaseExpiry(String itemId) {
        return column("lease_expires_at", itemId, rows -> Sql.getTime(rows, "lease_expires_at"));
    }

    /** The response the item finished with. */
    public MultiOutputResponse response(String itemId) {
        return column("response", itemId, rows -> Sql.getMessage(rows, "response", MultiOutputResponse.parser()));
    }

    /** The id of an item of {@code modelId}, or null when none was queued. */
    public String idOf(String modelId) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT id FROM runner_items WHERE model_id = ?")) {
                select.setString(1, modelId);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? rows.getString(1) : null;
                }
            }
        });
    }

    /** How many items of {@code modelId} are in {@code state}. */
    long count(String modelId, String state) {
        return db.read(c -> {
            try (PreparedStatement select =
                    c.prepareStatement("SELECT COUNT(*) FROM runner_items WHERE model_id = ? AND state = ?")) {
                select.setString(1, modelId);
                select.setString(2, state);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }

    /** Moves the item's lease expiry into the past, as if its lease had run out. */
    void expireLease(String itemId) {
        db.inTransaction(c -> {
            try (PreparedStatement update =
                    c.prepareStatement("UPDATE runner_items SET lease_expires_at = ? WHERE id = ?")) {
                Sql.setTime(update, 1, Instant.now().minusSeconds(1));
                update.setString(2, itemId);
                return update.executeUpdate();
            }
        });
    }

    private interface Reader<T> {
        T read(ResultSet rows) throws java.sql.SQLException;
    }

    private <T> T column(String column, String itemId, Reader<T> reader) {
        return db.read(c -> {
            try (PreparedStatement select =
                    c.prepareStatement("SELECT " + column + " FROM runner_items WHERE id = ?")) {
                select.setString(1, itemId);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? reader.read(rows) : null;
                }
            }
        });
    }
}
