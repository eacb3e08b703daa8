package dev.runneragent.api;

import static dev.runneragent.testing.Api.asAdmin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runneragent.testing.TestNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayInputStream;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

    /** A valid workflow whose description makes the body larger than 2 KiB. */
    private static final String TOO_BIG = "{\"workflows\":[{\"id\":\"%s\",\"description\":\"" + "x".repeat(3000)
            + "\",\"nodes\":[{\"id\":\"n\",\"model\":{\"id\":\"colour-classifier\"}}]}]}";

    @TestHTTPResource("/")
    URL url;

    @Test
    void refusesABodyOverTheLimitWithAClarifaiStatus() {
        String big = TOO_BIG.formatted("announced-too-big");
        asAdmin()
                .body(big)
                .post("/v2/workflows")
                .then()
                .statusCode(413)
                .body("status.code", equalTo("RPC_MAX_MESSAGE_SIZE_EXCEEDED"))
                .body("status.details", containsString("at most 2048"));
        asAdmin().get("/v2/workflows/announced-too-big").then().statusCode(404);
    }

    @Test
    void cutsOffAChunkedBodyThatPassesTheLimit() throws Exception {
        byte[] big = TOO_BIG.formatted("chunked-too-big").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(url.toURI().resolve("/v2/workflows"))
                .header("Authorization", "Key " + TestNode.ADMIN_KEY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build();
        HttpResponse<String> answer = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, answer.statusCode());
        asAdmin().get("/v2/workflows/chunked-too-big").then().statusCode(404);
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
