package dev.runneragent.auth;

import com.clarifai.grpc.api.App;
import com.clarifai.grpc.api.Key;
import dev.runneragent.store.Db;
import dev.runneragent.store.Sql;
import io.quarkus.arc.Arc;
import java.time.Instant;

/**
 * Keys that expired already, written straight to the store (PostKeys refuses an expiry in the past), for the tests
 * of what an expired key may still do.
 */
public final class ExpiredKeys {

    /** When every expired test key expired. */
    public static final Instant EXPIRED_AT = Instant.parse("2021-01-01T00:00:00Z");

    private ExpiredKeys() {}

    /** Stores an expired key of {@code userId} (an app key of {@code appId} when given) and answers its secret. */
    public static String insert(String userId, String appId, String description, String... scopes) {
        String secret = Tokens.newSecret();
        String hash = Tokens.hash(secret);
        Key.Builder key = Key.newBuilder()
                .setType(appId == null ? "personal_access_token" : "api_key")
                .setDescription(description)
                .setCreatedAt(Sql.timestamp(EXPIRED_AT.minusSeconds(86_400)))
                .setExpiresAt(Sql.timestamp(EXPIRED_AT));
        for (String scope : scopes) {
            key.addScopes(scope);
        }
        if (appId != null) {
            key.addApps(App.newBuilder().setId(appId).setUserId(userId));
        }
        KeyStore store = Arc.container().instance(KeyStore.class).get();
        Arc.container().instance(Db.class).get().inTransaction(c -> {
            store.insert(
                    c,
                    new KeyStore.StoredKey(
                            hash, Tokens.handleOfHash(hash), userId, KeyStore.Origin.ISSUED, key.build()));
            return null;
        });
        return secret;
    }
}
