package dev.runneragent.auth;

import static dev.runneragent.testing.Api.withKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runneragent.testing.TestNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Without a configured key, the first start generates one and writes it to a file only its owner can read. */
@QuarkusTest
@TestProfile(GeneratedBootstrapKeyTest.NoConfiguredKey.class)
class GeneratedBootstrapKeyTest {

    /** A node whose bootstrap key is not configured. */
    public static class NoConfiguredKey implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirOnly.class));
        }
    }

    /** A fresh data folder and the test models, but no key. */
    public static class DataDirOnly extends TestNode {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new java.util.HashMap<>(super.start());
            config.remove("runner.auth.bootstrap-key");
            return config;
        }
    }

    @ConfigProperty(name = "runner.data-dir")
    Path dataDir;

    @Test
    void writesTheGeneratedKeyToAnOwnerOnlyFileAndItWorks() throws IOException {
        Path file = dataDir.resolve(Bootstrap.KEY_FILE);
        assertTrue(Files.exists(file), file.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String key = Files.readString(file).trim();
        assertTrue(key.matches("[0-9a-f]{32}"), key);
        withKey(key)
                .get("/v2/users/me/keys")
                .then()
                .statusCode(200)
                .body("keys[0].description", org.hamcrest.Matchers.equalTo("bootstrap key (generated)"));
        withKey(TestNode.ADMIN_KEY).get("/v2/workflows").then().statusCode(401);
    }
}
