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
import java.util.Locale;
import java.util.Optional;

/** Users and their keys. A key row holds the hash of its secret, never the secret; its message has no id. */
@ApplicationScoped
public class KeyStore {

    /** Where a key came from. */
    public enum Origin {
        /** Made by PostKeys. */
        ISSUED,
        /** The bootstrap user's key, from {@code runner.auth.bootstrap-key}. */
        CONFIGURED,
        /** The bootstrap user's key, generated at a start without a configured one. */
        GENERATED
    }

    /** A stored key: its hash, public handle, owner, origin, and the Key message as stored (id empty). */
    public record StoredKey(String tokenHash, String handle, String userId, Origin origin, Key key) {

        public Instant expiresAt() {
            return key.hasExpiresAt() ? Sql.instant(key.getExpiresAt()) : null;
        }
    }

    private static final String COLUMNS = "token_hash, handle, user_id, origin, message";

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
                "INSERT INTO api_keys (token_hash, handle, user_id, key_type, origin, created_at, expires_at,"
                        + " message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, key.tokenHash());
            insert.setString(2, key.handle());
            insert.setString(3, key.userId());
            insert.setString(4, key.key().getType());
            insert.setString(5, key.origin().name().toLowerCase(Locale.ROOT));
            Sql.setTime(insert, 6, Sql.instant(key.key().getCreatedAt()));
            Sql.setTime(insert, 7, key.expiresAt());
            insert.setBytes(8, key.key().toByteArray());
            insert.executeUpdate();
        }
    }

    /** Replaces the stored message (and expiry) of the key with {@code handle}; answers whether it still existed. */
    public boolean update(Connection c, StoredKey key) throws SQLException {
        try (PreparedStatement update =
                c.prepareStatement("UPDATE api_keys SET expires_at = ?, message = ? WHERE handle = ?")) {
            Sql.setTime(update, 1, key.expiresAt());
            update.setBytes(2, key.key().toByteArray());
            update.setString(3, key.handle());
            return update.executeUpdate() > 0;
        }
    }

    public boolean delete(Connection c, String handle) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM api_keys WHERE handle = ?")) {
            delete.setString(1, handle);
            return delete.executeUpdate() > 0;
        }
    }

    /** Deletes the keys of {@code userId} of {@code origin}, but for the one whose hash is {@code keepHash}. */
    public int deleteByOrigin(Connection c, String userId, Origin origin, String keepHash) throws SQLException {
        try (PreparedStatement delete =
                c.prepareStatement("DELETE FROM api_keys WHERE user_id = ? AND origin = ? AND token_hash <> ?")) {
            delete.setString(1, userId);
            delete.setString(2, origin.name().toLowerCase(Locale.ROOT));
            delete.setString(3, keepHash);
            return delete.executeUpdate();
        }
    }

    public boolean hasKeyOfOrigin(Connection c, String userId, Origin origin) throws SQLException {
        try (PreparedStatement find = c.prepareStatement("SELECT 1 FROM api_keys WHERE user_id = ? AND origin = ?")) {
            find.setString(1, userId);
            find.setString(2, origin.name().toLowerCase(Locale.ROOT));
            try (ResultSet rows = find.executeQuery()) {
                return rows.next();
            }
        }
    }

    public Optional<StoredKey> byHash(Connection c, String tokenHash) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM api_keys WHERE token_hash = ?", tokenHash);
    }

    public Optional<StoredKey> byHash(String tokenHash) {
        return db.read(c -> byHash(c, tokenHash));
    }

    /** The key with {@code handle}, locked until the transaction of {@code c} ends. */
    public Optional<StoredKey> byHandle(Connection c, String handle) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM api_keys WHERE handle = ? FOR UPDATE", handle);
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
                Origin.valueOf(rows.getString("origin").toUpperCase(Locale.ROOT)),
                Sql.getMessage(rows, "message", Key.parser()));
    }
}
