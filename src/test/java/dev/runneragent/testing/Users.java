package dev.runneragent.testing;

import dev.runneragent.auth.KeyService;
import io.quarkus.arc.Arc;

/** Extra users for tests that check one user cannot see another's resources. */
public final class Users {

    private Users() {}

    /** A new personal access token for {@code userId}, creating the user if needed. */
    public static String tokenFor(String userId) {
        KeyService keys = Arc.container().instance(KeyService.class).get();
        return keys.createUserWithToken(userId, "test user " + userId);
    }
}
