package dev.runneragent.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.Key;
import dev.runneragent.store.Db;
import dev.runneragent.store.Sql;
import dev.runneragent.store.StoreException;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Users and keys on the embedded H2 file; {@link KeyStorePostgresTest} runs the same on PostgreSQL. */
@QuarkusTest
class KeyStoreTest {

    private static final Instant CREATED = Instant.parse("2024-04-25T10:00:00Z");

    @Inject
    Db db;

    @Inject
    KeyStore store;

    @Test
    void bootstrapUserAndKeyExistAfterStart() {
        assertTrue(store.byHash(Tokens.hash(dev.runneragent.testing.TestNode.ADMIN_KEY))
                .isPresent());
        assertTrue(db.<Boolean>read(c -> store.hasKeyOfOrigin(c, "admin", KeyStore.Origin.CONFIGURED)));
    }

    @Test
    void ensuringAUserTwiceKeepsOneRow() {
        String user = "user-" + UUID.randomUUID();
        db.inTransaction(c -> {
            store.ensureUserLocked(c, user, CREATED);
            store.ensureUserLocked(c, user, CREATED);
            return null;
        });
        int rows = db.read(c -> {
            try (var query = c.prepareStatement("SELECT COUNT(*) FROM users WHERE id = ?")) {
                query.setString(1, user);
                try (var result = query.executeQuery()) {
                    result.next();
                    return result.getInt(1);
                }
            }
        });
        assertEquals(1, rows);
    }

    @Test
    void keysAreFoundByHashAndHandleUpdatedAndDeleted() {
        String user = newUser();
        KeyStore.StoredKey key = key(user, "first");
        db.inTransaction(c -> {
            store.insert(c, key);
            return null;
        });
        assertEquals(key, store.byHash(key.tokenHash()).orElseThrow());
        KeyStore.StoredKey updated = new KeyStore.StoredKey(
                key.tokenHash(),
                key.handle(),
                user,
                KeyStore.Origin.ISSUED,
                key.key().toBuilder().setDescription("second").build());
        db.inTransaction(c -> {
            store.update(c, updated);
            return null;
        });
        assertEquals(
                "second",
                db.read(c -> store.byHandle(c, key.handle()))
                        .orElseThrow()
                        .key()
                        .getDescription());
        assertEquals(1, store.byUser(user).size());
        assertTrue(db.<Boolean>inTransaction(c -> store.delete(c, key.handle())));
        assertFalse(store.byHash(key.tokenHash()).isPresent());
    }

    @Test
    void aHandleIsUnique() {
        String user = newUser();
        KeyStore.StoredKey key = key(user, "one");
        db.inTransaction(c -> {
            store.insert(c, key);
            return null;
        });
        KeyStore.StoredKey clash =
                new KeyStore.StoredKey(Tokens.hash("other"), key.handle(), user, KeyStore.Origin.ISSUED, key.key());
        assertThrows(
                StoreException.DuplicateKeyException.class,
                () -> db.inTransaction(c -> {
                    store.insert(c, clash);
                    return null;
                }));
    }

    private String newUser() {
        String user = "user-" + UUID.randomUUID();
        db.inTransaction(c -> {
            store.ensureUserLocked(c, user, CREATED);
            return null;
        });
        return user;
    }

    private static KeyStore.StoredKey key(String user, String description) {
        String hash = Tokens.hash(Tokens.newSecret());
        Key key = Key.newBuilder()
                .setType("api_key")
                .setDescription(description)
                .addScopes("Workflows:Get")
                .setCreatedAt(Sql.timestamp(CREATED))
                .build();
        return new KeyStore.StoredKey(hash, Tokens.handleOfHash(hash), user, KeyStore.Origin.ISSUED, key);
    }
}
