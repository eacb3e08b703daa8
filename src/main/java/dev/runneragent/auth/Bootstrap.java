package dev.runneragent.auth;

import dev.runneragent.auth.KeyStore.Origin;
import dev.runneragent.store.Db;
import dev.runneragent.store.NodeConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * Makes sure the node has its first user and that user a personal access token: the configured
 * {@code runner.auth.bootstrap-key}, or on the very first start a generated one, logged once and written to
 * {@code bootstrap-key} (mode 0600) in the data folder.
 */
@ApplicationScoped
public class Bootstrap {

    static final String KEY_FILE = "bootstrap-key";

    @Inject
    AuthConfig config;

    @Inject
    NodeConfig node;

    @Inject
    Db db;

    @Inject
    KeyStore store;

    @Inject
    KeyService keys;

    @Inject
    Clock clock;

    void onStart(@Observes StartupEvent event) {
        apply(config.bootstrapUser(), config.bootstrapKey().map(String::trim).filter(k -> !k.isEmpty()));
    }

    /** Gives {@code user} its bootstrap key: {@code configured}, or a generated one when there is none. */
    void apply(String user, Optional<String> configured) {
        Path keyFile = node.dataDir().resolve(KEY_FILE);
        Optional<String> generated = db.inTransaction(c -> {
            store.ensureUserLocked(c, user, clock.instant());
            if (configured.isPresent()) {
                useConfiguredKey(c, user, configured.get());
                return Optional.empty();
            }
            if (store.deleteByOrigin(c, user, Origin.CONFIGURED, "") > 0) {
                Log.warnf(
                        "Revoked the earlier configured key of user '%s': runner.auth.bootstrap-key is no longer"
                                + " set",
                        user);
            }
            if (store.hasKeyOfOrigin(c, user, Origin.GENERATED)) {
                return Optional.empty();
            }
            // The file is written before the key is committed: a key nobody can read would lock the node.
            String secret = Tokens.newSecret();
            writeKeyFile(keyFile, secret);
            keys.issuePersonalToken(c, user, secret, "bootstrap key (generated)", Origin.GENERATED);
            return Optional.of(secret);
        });
        if (generated.isPresent()) {
            Log.infof(
                    "Generated the personal access token of user '%s': %s (written to %s; it is not shown again)",
                    user, generated.get(), keyFile.toAbsolutePath().normalize());
        } else if (configured.isPresent()) {
            deleteStaleKeyFile(keyFile);
            Log.infof("User '%s' authenticates with the configured bootstrap key", user);
        }
    }

    /**
     * Makes the configured key the bootstrap user's only bootstrap key. A key that already belongs to another user
     * stops the start: one secret cannot act for two users.
     */
    private void useConfiguredKey(Connection c, String user, String secret) throws SQLException {
        String hash = Tokens.hash(secret);
        Optional<KeyStore.StoredKey> existing = store.byHash(c, hash);
        if (existing.isPresent() && !existing.get().userId().equals(user)) {
            throw new IllegalStateException("runner.auth.bootstrap-key is already a key of user '"
                    + existing.get().userId() + "', not of the bootstrap user '" + user + "'; configure another key");
        }
        if (existing.isEmpty()) {
            keys.issuePersonalToken(c, user, secret, "bootstrap key (configured)", Origin.CONFIGURED);
        }
        store.deleteByOrigin(c, user, Origin.CONFIGURED, hash);
        store.deleteByOrigin(c, user, Origin.GENERATED, hash);
    }

    private static void writeKeyFile(Path file, String secret) {
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bootstrap key to " + file, e);
        }
    }

    /** A generated key file from an earlier start names a key the configured one has replaced. */
    private static void deleteStaleKeyFile(Path file) {
        try {
            if (Files.deleteIfExists(file)) {
                Log.infof("Removed %s: the configured bootstrap key replaces the generated one", file);
            }
        } catch (IOException e) {
            Log.warnf("Cannot remove the stale bootstrap key file %s: %s", file, e.getMessage());
        }
    }
}
