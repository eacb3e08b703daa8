package dev.runneragent.auth;

import static dev.runneragent.testing.Api.withKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runneragent.testing.TestNode;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** What each start does with the bootstrap user's key, as configuration changes between starts. */
@QuarkusTest
class BootstrapTest {

    @Inject
    Bootstrap bootstrap;

    @ConfigProperty(name = "runner.data-dir")
    Path dataDir;

    @Test
    void aChangedConfiguredKeyReplacesTheOldOne() {
        bootstrap.apply("boot-change", Optional.of("boot-change-first-key-0123456789"));
        withKey("boot-change-first-key-0123456789").get("/v2/workflows").then().statusCode(200);
        bootstrap.apply("boot-change", Optional.of("boot-change-second-key-0123456789"));
        withKey("boot-change-second-key-0123456789").get("/v2/workflows").then().statusCode(200);
        withKey("boot-change-first-key-0123456789").get("/v2/workflows").then().statusCode(401);
    }

    @Test
    void aKeyOfAnotherUserStopsTheStart() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> bootstrap.apply("boot-other", Optional.of(TestNode.ADMIN_KEY)));
        assertTrue(e.getMessage().contains("already a key of user 'admin'"), e.getMessage());
        withKey(TestNode.ADMIN_KEY).get("/v2/users/me/keys").then().statusCode(200);
    }

    @Test
    void unsettingTheConfiguredKeyRevokesItAndGeneratesOne() throws Exception {
        bootstrap.apply("boot-unset", Optional.of("boot-unset-configured-0123456789"));
        bootstrap.apply("boot-unset", Optional.empty());
        withKey("boot-unset-configured-0123456789").get("/v2/workflows").then().statusCode(401);
        String generated = Files.readString(dataDir.resolve(Bootstrap.KEY_FILE)).trim();
        withKey(generated)
                .get("/v2/users/me/keys")
                .then()
                .statusCode(200)
                .body("keys.description", org.hamcrest.Matchers.contains("bootstrap key (generated)"));
        bootstrap.apply("boot-unset", Optional.empty());
        assertEquals(
                generated,
                Files.readString(dataDir.resolve(Bootstrap.KEY_FILE)).trim(),
                "a later start keeps the generated key");
        withKey(generated).get("/v2/workflows").then().statusCode(200);
    }
}
