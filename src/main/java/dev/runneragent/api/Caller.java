package dev.runneragent.api;

import com.clarifai.grpc.api.UserAppIDSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who is calling: the user a key belongs to and what the key may do. A personal access token acts for its user in
 * every app with every scope; an app key is limited to its {@code scopes}, {@code endpoints} and {@code apps}.
 */
public record Caller(String userId, KeyType keyType, Set<String> scopes, Set<String> endpoints, Set<String> appIds) {

    /** The alias Clarifai reserves for "the authenticated user". */
    public static final String ME = "me";

    /** App ids: letters, digits, '_' and '-', at most 128 (what the store's columns hold). */
    private static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    /** The app a personal access token works in when a request names none. */
    public static final String DEFAULT_APP = "main";

    public enum KeyType {
        PERSONAL_ACCESS_TOKEN("personal_access_token"),
        API_KEY("api_key");

        private final String wireName;

        KeyType(String wireName) {
            this.wireName = wireName;
        }

        /** The value of {@code Key.type} on the wire. */
        public String wireName() {
            return wireName;
        }
    }

    public boolean isPersonal() {
        return keyType == KeyType.PERSONAL_ACCESS_TOKEN;
    }

    /**
     * The user a request addresses, which must be the caller. Another user's id is answered exactly like a missing
     * resource, so nobody learns whether that user or their resources exist.
     */
    public String user(UserAppIDSet ids, ResourceKind kind) {
        String requested = ids.getUserId();
        if (requested.isEmpty() || requested.equals(ME) || requested.equals(userId)) {
            return userId;
        }
        throw kind.notFound("user '" + requested + "' does not exist or is not visible to this key");
    }

    /**
     * The app a request addresses: the one it names, else the app of an app key, else {@link #DEFAULT_APP}. An app
     * key may not reach outside its apps.
     */
    public String app(UserAppIDSet ids, ResourceKind kind) {
        user(ids, kind);
        String requested = ids.getAppId();
        if (!isPersonal() && appIds.isEmpty()) {
            throw new ApiException.InsufficientScopesException("this app key names no app");
        }
        if (requested.isEmpty()) {
            return isPersonal() ? DEFAULT_APP : appIds.iterator().next();
        }
        if (!APP_ID.matcher(requested).matches()) {
            throw kind.invalid("app id '" + abbreviated(requested) + "' must be 1 to 128 letters, digits, '_' or '-'");
        }
        if (!isPersonal() && !appIds.contains(requested)) {
            throw new ApiException.InsufficientScopesException(
                    "this key is limited to app(s) " + appIds + " and cannot reach app '" + requested + "'");
        }
        return requested;
    }

    private static String abbreviated(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /** Whether a resource in {@code appId} is visible to this key (app keys see only their apps). */
    public boolean sees(String appId) {
        return isPersonal() || appIds.contains(appId);
    }
}
