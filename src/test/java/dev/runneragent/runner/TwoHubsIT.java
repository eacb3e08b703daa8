package dev.runneragent.runner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runneragent.testing.NodeProcess;
import dev.runneragent.testing.PostgresSchema;
import dev.runneragent.testing.TestNode;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two hub processes (the packaged node, twice) on one PostgreSQL schema: a prediction submitted on hub A is leased
 * by a runner polling hub B, its outputs are posted to B, and A's caller gets them. The runner's poll on B is
 * woken across processes by LISTEN/NOTIFY, and exactly one hub reports the queue gauges.
 */
class TwoHubsIT {

    private static final String MODEL = "two-hub-model";

    /** Long enough that a poll answered sooner was woken, not timed out. */
    private static final long LONG_POLL_MS = 15_000;

    private static PostgresSchema schema;
    private static NodeProcess hubA;
    private static NodeProcess hubB;

    @BeforeAll
    static void startHubs() {
        schema = new PostgresSchema();
        Map<String, String> store = schema.start();
        Map<String, String> settings = Map.of(
                "runner.store.jdbc-url",
                store.get("runner.store.jdbc-url"),
                "runner.hub.long-poll",
                LONG_POLL_MS + "ms");
        hubA = NodeProcess.start("hub-a", settings);
        hubB = NodeProcess.start("hub-b", settings);
    }

    @AfterAll
    static void stopHubs() {
        for (NodeProcess hub : new NodeProcess[] {hubA, hubB}) {
            if (hub != null) {
                hub.close();
            }
        }
        if (schema != null) {
            schema.stop();
        }
    }

    private static RequestSpecification on(NodeProcess hub) {
        return given().baseUri(hub.url())
                .header("Authorization", "Key " + TestNode.ADMIN_KEY)
                .contentType(ContentType.JSON);
    }

    @Test
    void anItemSubmittedOnOneHubIsServedThroughTheOther() throws Exception {
        on(hubA).body("{\"runners\":[{\"id\":\"across\",\"model\":{\"id\":\"" + MODEL + "\"}}]}")
                .post("/v2/users/me/runners")
                .then()
                .statusCode(200);

        // The runner waits on B before there is any work: only a notification from A can wake it early.
        long pollStart = System.nanoTime();
        CompletableFuture<Response> poll =
                CompletableFuture.supplyAsync(() -> on(hubB).get("/v2/users/me/runners/across/items"));
        Thread.sleep(500);
        CompletableFuture<Response> caller =
                CompletableFuture.supplyAsync(() -> on(hubA).body("""
                        {"inputs":[{"id":"one","data":{"text":{"raw":"across the hubs"}}}]}""").post("/v2/models/" + MODEL + "/outputs"));

        JsonPath items = poll.get(LONG_POLL_MS * 2, TimeUnit.MILLISECONDS)
                .then()
                .statusCode(200)
                .body("runnerItems", hasSize(1))
                .extract()
                .jsonPath();
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pollStart);
        assertTrue(waitedMs < LONG_POLL_MS / 2, "B's poll was woken by A's submission, after " + waitedMs + " ms");
        assertEquals(
                "across the hubs", items.getString("runnerItems[0].postModelOutputsRequest.inputs[0].data.text.raw"));
        String item = items.getString("runnerItems[0].id");

        long posted = System.nanoTime();
        on(hubB).body("""
                        {"runnerItemOutputs":[{"multiOutputResponse":{"status":{"code":"SUCCESS"},
                          "outputs":[{"status":{"code":"SUCCESS"},"data":{"concepts":[{"id":"served-by-b","value":1}]}}]}}]}""")
                .post("/v2/users/me/runners/across/items/" + item + "/outputs")
                .then()
                .statusCode(200)
                .body("status.code", equalTo("SUCCESS"));

        Response answer = caller.get(30, TimeUnit.SECONDS);
        long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - posted);
        // Well under the two seconds after which a caller looks in the store itself: the notification carried it.
        assertTrue(answeredMs < 1500, "A's caller was answered " + answeredMs + " ms after B took the outputs");
        answer.then()
                .statusCode(200)
                .body("status.code", equalTo("SUCCESS"))
                .body("outputs[0].data.concepts[0].id", equalTo("served-by-b"));

        on(hubA).get("/v2/users/me/runners/across")
                .then()
                .statusCode(200)
                .body("runner.metadata.last_seen_at", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void exactlyOneHubReportsTheQueueGauges() throws Exception {
        // Each hub exports the gauge once its queue is up (on a busy machine, a moment after it is ready).
        int a = -1;
        int b = -1;
        for (int attempt = 0; attempt < 100 && (a < 0 || b < 0 || a + b != 1); attempt++) {
            Thread.sleep(attempt == 0 ? 0 : 200);
            a = leader(hubA);
            b = leader(hubB);
        }
        assertTrue(a >= 0, "runner_hub_leader is exported by " + hubA.url());
        assertTrue(b >= 0, "runner_hub_leader is exported by " + hubB.url());
        assertEquals(1, a + b, "one leader among the hubs");
    }

    /** The hub's runner_hub_leader, or -1 while it exports none. */
    private static int leader(NodeProcess hub) {
        String metrics = given().baseUri(hub.url()).get("/q/metrics").asString();
        Matcher gauge = Pattern.compile("(?m)^runner_hub_leader(?:\\{[^}]*})? ([0-9.]+)")
                .matcher(metrics);
        return gauge.find() ? (int) Double.parseDouble(gauge.group(1)) : -1;
    }
}
