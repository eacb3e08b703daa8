package dev.runneragent.api;

import static dev.runneragent.testing.Api.asAdmin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A body over {@code runner.api.max-body-size} is refused from its announced length, before it is read. */
@QuarkusTest
@TestProfile(BodySizeLimitTest.SmallBodies.class)
class BodySizeLimitTest {

    /** A node that accepts at most 2 KiB. */
    public static class SmallBodies implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runner.api.max-body-size", "2K");
        }
    }

    @Test
    void refusesABodyOverTheLimitWithAClarifaiStatus() {
        String big = "{\"workflows\":[{\"id\":\"" + "x".repeat(3000) + "\"}]}";
        asAdmin()
                .body(big)
                .post("/v2/workflows")
                .then()
                .statusCode(413)
                .body("status.code", equalTo("RPC_MAX_MESSAGE_SIZE_EXCEEDED"))
                .body("status.details", containsString("at most 2048"));
        asAdmin().get("/v2/workflows/" + "x".repeat(10)).then().statusCode(404);
    }

    @Test
    void acceptsABodyUnderTheLimit() {
        asAdmin()
                .body("{\"workflows\":[{\"id\":\"small\",\"nodes\":[{\"id\":\"n\",\"model\":"
                        + "{\"id\":\"colour-classifier\"}}]}]}")
                .post("/v2/workflows")
                .then()
                .statusCode(200);
    }
}
