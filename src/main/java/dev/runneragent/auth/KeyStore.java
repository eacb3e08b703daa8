package dev.runneragent.auth;

import com.clarifai.grpc.api.Key;
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
import java.util.List;
import java.util.Optional;

/** Users and their keys. A key row holds the hash of its secret, never the secret; its message has no id. */
@ApplicationScoped
public class KeyStore {

    /** A stored key: its hash, public handle, owner, and the Key message as stored (id empty). */
    public record StoredKey(String tokenHash, String handle, String userId, boolean bootstrap, Key key) {

        public Instant expiresAt() {
            return key.hasExpiresAt() ? Sql.instant(key.getExpiresAt()) : null;
        }
    }

    private static final String COLUMNS = "token_hash, handle, user_id, bootstrap, message";

    @Inject
    Db db;

    /**
     * Creates the user if missing and locks its row until the transaction ends, so that replicas starting together
     * on one database do not both bootstrap it.
     */
    public void ensureUserLocked(Connection c, String userId, Instant now) throws SQLException {
        try (PreparedStatement insert =
                c.prepareStatement("INSERT INTO users (id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, userId);
            Sql.setTime(insert, 2, now);
            insert.executeUpdate();
        }
        try (PreparedStatement lock = c.prepareStatement("SELECT id FROM users WHERE id = ? FOR UPDATE")) {
            lock.setString(1, userId);
            lock.executeQuery().close();
        }
    }

    public void insert(Connection c, StoredKey key) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO api_keys (token_hash, handle, user_id, key_type, bootstrap, created_at, expires_at,"
                        + " message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, key.tokenHash());
            insert.setString(2, key.handle());
            insert.setString(3, key.userId());
            insert.setString(4, key.key().getType());
            insert.setBoolean(5, key.bootstrap());
            Sql.setTime(insert, 6, Sql.instant(key.key().getCreatedAt()));
            Sql.setTime(insert, 7, key.expiresAt());
            insert.setBytes(8, key.key().toByteArray());
            insert.executeUpdate();
        }
    }

    /** Replaces the stored message (and expiry) of the key with {@code handle}. */
    public void update(Connection c, StoredKey key) throws SQLException {
        try (PreparedStatement update =
                c.prepareStatement("UPDATE api_keys SET expires_at = ?, message = ? WHERE handle = ?")) {
            Sql.setTime(update, 1, key.expiresAt());
            update.setBytes(2, key.key().toByteArray());
            update.setString(3, key.handle());
            update.executeUpdate();
        }
    }

    public boolean delete(Connection c, String handle) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM api_keys WHERE handle = ?")) {
            delete.setString(1, handle);
            return delete.executeUpdate() > 0;
        }
    }

    /** Deletes the bootstrap keys of {@code userId} other than {@code keepHash}. */
    public void deleteOtherBootstrapKeys(Connection c, String userId, String keepHash) throws SQLException {
        try (PreparedStatement delete =
                c.prepareStatement("DELETE FROM api_keys WHERE user_id = ? AND bootstrap = TRUE AND token_hash <> ?")) {
            delete.setString(1, userId);
            delete.setString(2, keepHash);
            delete.executeUpdate();
        }
    }

    public boolean hasBootstrapKey(Connection c, String userId) throws SQLException {
        try (PreparedStatement find =
                c.prepareStatement("SELECT 1 FROM api_keys WHERE user_id = ? AND bootstrap = TRUE")) {
            find.setString(1, userId);
            try (ResultSet rows = find.executeQuery()) {
                return rows.next();
            }
        }
    }

    public Optional<StoredKey> byHash(String tokenHash) {
        return db.read(c -> one(c, "SELECT " + COLUMNS + " FROM api_keys WHERE token_hash = ?", tokenHash));
    }

    public Optional<StoredKey> byHandle(Connection c, String handle) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM api_keys WHERE handle = ?", handle);
    }

    /** The keys of {@code userId}, newest first. */
    public List<StoredKey> byUser(String userId) {
        return db.read(c -> {
            try (PreparedStatement query = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM api_keys WHERE user_id = ? ORDER BY created_at DESC, handle")) {
                query.setString(1, userId);
                try (ResultSet rows = query.executeQuery()) {
                    List<StoredKey> keys = new ArrayList<>();
                    while (rows.next()) {
                        keys.add(read(rows));
                    }
                    return keys;
                }
            }
        });
    }

    private static Optional<StoredKey> one(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(sql)) {
            query.setString(1, value);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        }
    }

    private static StoredKey read(ResultSet rows) throws SQLException {
        return new StoredKey(
                rows.getString("token_hash"),
                rows.getString("handle"),
                rows.getString("user_id"),
                rows.getBoolean("bootstrap"),
                Sql.getMessage(rows, "message", Key.parser()));
    }
}
