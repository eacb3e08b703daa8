package dev.runneragent.auth;

import com.clarifai.grpc.api.App;
import com.clarifai.grpc.api.DeleteKeyRequest;
import com.clarifai.grpc.api.GetKeyRequest;
import com.clarifai.grpc.api.Key;
import com.clarifai.grpc.api.ListKeysRequest;
import com.clarifai.grpc.api.MultiKeyResponse;
import com.clarifai.grpc.api.PatchKeysRequest;
import com.clarifai.grpc.api.PostKeysRequest;
import com.clarifai.grpc.api.SingleKeyResponse;
import com.clarifai.grpc.api.status.BaseResponse;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.api.ApiException;
import dev.runneragent.api.Caller;
import dev.runneragent.api.Page;
import dev.runneragent.api.ResourceKind;
import dev.runneragent.api.Rpcs;
import dev.runneragent.auth.KeyStore.Origin;
import dev.runneragent.auth.KeyStore.StoredKey;
import dev.runneragent.store.Db;
import dev.runneragent.store.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keys: authentication of every request, and the key endpoints. A key's secret is shown once, in the answer of
 * {@code PostKeys}; every later read shows its masked handle, which GetKey, PatchKeys and DeleteKey accept as
 * well as the secret itself.
 */
@ApplicationScoped
public class KeyService {

    private static final ResourceKind KIND = ResourceKind.GENERIC;
    private static final String OVERWRITE = "overwrite";
    private static final int MAX_DESCRIPTION = 1024;

    @Inject
    Db db;

    @Inject
    KeyStore store;

    @Inject
    ScopeTable scopes;

    @Inject
    Clock clock;

    /** The caller behind an {@code Authorization} header value, or an authentication failure. */
    public Caller authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new ApiException.AuthenticationException(
                    StatusCode.CONN_KEY_NOT_FOUND, "no Authorization header; send 'Authorization: Key <your key>'");
        }
        String[] parts = authorization.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Key") || parts[1].isBlank()) {
            throw new ApiException.AuthenticationException(
                    StatusCode.CONN_KEY_INVALID, "the Authorization header must be 'Key <your key>'");
        }
        StoredKey stored = store.byHash(Tokens.hash(parts[1].trim()))
                .orElseThrow(() -> new ApiException.AuthenticationException(
                        StatusCode.CONN_KEY_NOT_FOUND, "this key is not known to the node"));
        Instant expiresAt = stored.expiresAt();
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw new ApiException.AuthenticationException(
                    StatusCode.CONN_KEY_INVALID, "this key expired at " + expiresAt);
        }
        Key key = stored.key();
        boolean personal = Caller.KeyType.PERSONAL_ACCESS_TOKEN.wireName().equals(key.getType());
        Set<String> apps = new LinkedHashSet<>();
        key.getAppsList().forEach(app -> apps.add(app.getId()));
        return new Caller(
                stored.userId(),
                personal ? Caller.KeyType.PERSONAL_ACCESS_TOKEN : Caller.KeyType.API_KEY,
                Set.copyOf(key.getScopesList()),
                Set.copyOf(key.getEndpointsList()),
                apps);
    }

    /** Stores {@code secret} as a personal access token of {@code userId} inside the transaction of {@code c}. */
    void issuePersonalToken(Connection c, String userId, String secret, String description, Origin origin)
            throws SQLException {
        Key key = Key.newBuilder()
                .setType(Caller.KeyType.PERSONAL_ACCESS_TOKEN.wireName())
                .setDescription(description)
                .addScopes(ScopeTable.ALL)
                .setCreatedAt(Sql.timestamp(clock.instant()))
                .build();
        String hash = Tokens.hash(secret);
        store.insert(c, new StoredKey(hash, Tokens.handleOfHash(hash), userId, origin, key));
    }

    /**
     * Creates a user (if missing) with a new personal access token and answers its secret. The node API has no
     * endpoint that creates users; this is the one way in besides the bootstrap user (tests use it for a second
     * user).
     */
    public String createUserWithToken(String userId, String description) {
        String secret = Tokens.newSecret();
        db.inTransaction(c -> {
            store.ensureUserLocked(c, userId, clock.instant());
            issuePersonalToken(c, userId, secret, description, Origin.ISSUED);
            return null;
        });
        return secret;
    }

    public MultiKeyResponse postKeys(Caller caller, PostKeysRequest request) {
        caller.user(request.getUserAppId(), KIND);
        if (request.getKeysCount() == 0) {
            throw KIND.invalid("keys must hold at least one key");
        }
        List<Key> valid = new ArrayList<>();
        for (int i = 0; i < request.getKeysCount(); i++) {
            valid.add(validated(caller, request.getKeys(i), "keys[" + i + "]"));
        }
        List<Key> created = db.inTransaction(c -> {
            List<Key> answers = new ArrayList<>();
            for (Key key : valid) {
                String secret = Tokens.newSecret();
                String hash = Tokens.hash(secret);
                store.insert(c, new StoredKey(hash, Tokens.handleOfHash(hash), caller.userId(), Origin.ISSUED, key));
                answers.add(key.toBuilder().setId(secret).build());
            }
            return answers;
        });
        return MultiKeyResponse.newBuilder().addAllKeys(created).build();
    }

    public MultiKeyResponse listKeys(Caller caller, ListKeysRequest request) {
        String userId = caller.user(request.getUserAppId(), KIND);
        Page page = Page.of(request.getPage(), request.getPerPage(), KIND);
        Set<String> wantedScopes = new LinkedHashSet<>();
        request.getScopesList().forEach(s -> wantedScopes.add(knownScope(s, "scopes")));
        Set<String> wantedEndpoints = new LinkedHashSet<>();
        request.getEndpointsList().forEach(e -> wantedEndpoints.add(knownEndpoint(e, "endpoints")));
        Instant now = clock.instant();
        List<Key> matching = store.byUser(userId).stream()
                .filter(k -> !request.getNotExpired()
                        || k.expiresAt() == null
                        || k.expiresAt().isAfter(now))
                .filter(k -> grantsAll(k.key().getScopesList(), wantedScopes))
                .filter(k -> k.key().getEndpointsList().containsAll(wantedEndpoints))
                .map(KeyService::masked)
                .toList();
        return MultiKeyResponse.newBuilder().addAllKeys(page.slice(matching)).build();
    }

    public SingleKeyResponse getKey(Caller caller, GetKeyRequest request) {
        String userId = caller.user(request.getUserAppId(), KIND);
        StoredKey stored = db.read(c -> find(c, userId, request.getKeyId()));
        return SingleKeyResponse.newBuilder().setKey(masked(stored)).build();
    }

    public MultiKeyResponse patchKeys(Caller caller, PatchKeysRequest request) {
        String userId = caller.user(request.getUserAppId(), KIND);
        if (!OVERWRITE.equals(request.getAction())) {
            throw KIND.invalid("PatchKeys supports only action 'overwrite', got '" + request.getAction() + "'");
        }
        if (request.getKeysCount() == 0) {
            throw KIND.invalid("keys must hold at least one key");
        }
        List<Key> patched = db.inTransaction(c -> {
            List<Key> answers = new ArrayList<>();
            for (int i = 0; i < request.getKeysCount(); i++) {
                Key patch = request.getKeys(i);
                StoredKey stored = find(c, userId, patch.getId());
                if (!patch.getType().isEmpty()
                        && !patch.getType().equals(stored.key().getType())) {
                    throw KIND.invalid("keys[" + i + "].type cannot change from "
                            + stored.key().getType());
                }
                Key replacement = validated(
                                caller,
                                patch.toBuilder()
                                        .setType(stored.key().getType())
                                        .build(),
                                "keys[" + i + "]")
                        .toBuilder()
                        .setCreatedAt(stored.key().getCreatedAt())
                        .build();
                StoredKey updated =
                        new StoredKey(stored.tokenHash(), stored.handle(), userId, stored.origin(), replacement);
                if (!store.update(c, updated)) {
                    throw missingKey(patch.getId());
                }
                answers.add(masked(updated));
            }
            return answers;
        });
        return MultiKeyResponse.newBuilder().addAllKeys(patched).build();
    }

    public BaseResponse deleteKey(Caller caller, DeleteKeyRequest request) {
        String userId = caller.user(request.getUserAppId(), KIND);
        db.inTransaction(
                c -> store.delete(c, find(c, userId, request.getKeyId()).handle()));
        return BaseResponse.getDefaultInstance();
    }

    /** The key {@code reference} names (its secret, its masked id or its handle) among {@code userId}'s keys. */
    private StoredKey find(Connection c, String userId, String reference) throws SQLException {
        if (reference.isBlank()) {
            throw KIND.invalid("a key id is required");
        }
        Optional<StoredKey> found = store.byHash(c, Tokens.hash(reference));
        if (found.isEmpty()) {
            found = store.byHandle(c, Tokens.handleOfMasked(reference));
        }
        return found.filter(k -> k.userId().equals(userId)).orElseThrow(() -> missingKey(reference));
    }

    /** The answer for a key the user does not have; it never repeats a whole secret the client sent. */
    private static ApiException missingKey(String reference) {
        String shown = reference.length() > 8 ? reference.substring(0, 8) + "..." : reference;
        return KIND.notFound("key '" + shown + "' does not exist");
    }

    /** The key to store for {@code requested}: type, apps, scopes and expiry checked; id and time set later. */
    private Key validated(Caller caller, Key requested, String where) {
        Key.Builder key = Key.newBuilder()
                .setDescription(requested.getDescription())
                .addAllAuthorizedIdpIds(requested.getAuthorizedIdpIdsList())
                .setCreatedAt(Sql.timestamp(clock.instant()));
        if (requested.getDescription().length() > MAX_DESCRIPTION) {
            throw KIND.invalid(where + ".description is longer than " + MAX_DESCRIPTION + " characters");
        }
        if (requested.hasExpiresAt()) {
            if (!Sql.instant(requested.getExpiresAt()).isAfter(clock.instant())) {
                throw KIND.invalid(where + ".expiresAt is in the past");
            }
            key.setExpiresAt(requested.getExpiresAt());
        }
        String type = requested.getType();
        if (type.equals(Caller.KeyType.PERSONAL_ACCESS_TOKEN.wireName())) {
            if (requested.getAppsCount() > 0) {
                throw KIND.invalid(where + ": a personal access token works in every app; leave apps empty");
            }
            return key.setType(type).addScopes(ScopeTable.ALL).build();
        }
        if (!type.isEmpty() && !type.equals("api_key") && !type.equals("app_specific_key")) {
            throw KIND.invalid(where + ".type must be 'api_key' or 'personal_access_token', got '" + type + "'");
        }
        key.setType(Caller.KeyType.API_KEY.wireName());
        if (requested.getAppsCount() != 1 || requested.getApps(0).getId().isEmpty()) {
            throw KIND.invalid(where + ".apps must name exactly one app (an app key works in one app)");
        }
        App app = requested.getApps(0);
        caller.user(
                com.clarifai.grpc.api.UserAppIDSet.newBuilder()
                        .setUserId(app.getUserId())
                        .build(),
                KIND);
        key.addApps(App.newBuilder().setId(app.getId()).setUserId(caller.userId()));
        List<String> named = new ArrayList<>();
        Set<String> usable = scopes.appKeyScopes();
        for (String scope : requested.getScopesList()) {
            String known = knownScope(scope, where + ".scopes");
            if (!usable.contains(known)) {
                throw KIND.invalid(where + ".scopes: '" + known + "' serves only endpoints that take personal access"
                        + " tokens; an app key cannot use it");
            }
            named.add(known);
        }
        key.addAllScopes(scopes.withDependencies(named));
        for (String endpoint : requested.getEndpointsList()) {
            key.addEndpoints(knownEndpoint(endpoint, where + ".endpoints"));
        }
        if (key.getScopesCount() == 0 && key.getEndpointsCount() == 0) {
            throw KIND.invalid(where + " grants nothing: give it scopes or endpoints");
        }
        return key.build();
    }

    /** Whether a key with {@code held} scopes has each of {@code wanted}; {@code All} holds every scope. */
    private static boolean grantsAll(List<String> held, Set<String> wanted) {
        return held.contains(ScopeTable.ALL) || held.containsAll(wanted);
    }

    private String knownScope(String name, String where) {
        return scopes.scope(name)
                .orElseThrow(
                        () -> KIND.invalid(where + ": unknown scope '" + name + "'; ListScopes lists the valid ones"));
    }

    private static String knownEndpoint(String endpoint, String where) {
        String prefix = Rpcs.endpoint("");
        String rpc = endpoint.startsWith(prefix) ? endpoint.substring(prefix.length()) : endpoint;
        if (Rpcs.V2.findMethodByName(rpc) == null) {
            throw KIND.invalid(
                    where + ": unknown endpoint '" + endpoint + "'; use the form " + Rpcs.endpoint("PostWorkflows"));
        }
        return Rpcs.endpoint(rpc);
    }

    private static Key masked(StoredKey stored) {
        return stored.key().toBuilder().setId(Tokens.masked(stored.handle())).build();
    }
}
