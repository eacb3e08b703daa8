package dev.runneragent.agent;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runneragent.agent.FakeUpstream.Answer;
import dev.runneragent.testing.Metrics;
import dev.runneragent.testing.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Leases against a scripted upstream, with a test model that runs as long as an item asks (slow-echo): while an item
 * runs its lease is renewed by progress reports; when the upstream refuses a renewal, or no renewal gets through for
 * the lease's length, the local work is cancelled and its outputs are never posted.
 */
@QuarkusTest
@TestProfile(AgentLeaseTest.Scripted.class)
class AgentLeaseTest {

    private static final String RUNNER = "/v2/users/" + FakeUpstream.USER + "/runners/lease-agent";

    /** About four seconds of work for slow-echo on a 2-core machine: much longer than the leases below. */
    private static final int WORK = 150_000;

    public static class Scripted extends FakeUpstream.AsAgentProfile {
        public Scripted() {
            super(
                    ScriptedUpstream.class,
                    "runner.models.dir",
                    "src/test/resources/slow-models",
                    "runner.agent.lease",
                    "1500ms",
                    "runner.agent.lease-renewal",
                    "300ms");
        }
    }

    public static class ScriptedUpstream extends FakeUpstream.AsAgent {

        @Override
        protected String runnerId() {
            return "lease-agent";
        }

        @Override
        protected void script() {
            FakeUpstream.script(RUNNER, new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"}}"));
            FakeUpstream.script(
                    RUNNER + "/items",
                    new Answer(200, slowItem("refused-1")),
                    new Answer(200, slowItem("expired-1")),
                    new Answer(200, "{\"status\":{\"code\":\"RUNNER_NEEDS_RETRY\"}}", 300));
            // The first renewal lands, the second is refused: the hub gave the item to someone else.
            FakeUpstream.script(
                    RUNNER + "/items/refused-1/outputs",
                    new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"}}"),
                    new Answer(
                            409,
                            "{\"status\":{\"code\":\"RUNNER_ITEM_CANCELLED\",\"details\":\"another runner holds it\"}}"));
            // No renewal gets through at all.
            FakeUpstream.script(
                    RUNNER + "/items/expired-1/outputs",
                    new Answer(503, "{\"status\":{\"code\":\"RPC_SERVER_UNAVAILABLE\"}}"));
        }

        private static String slowItem(String id) {
            return """
                    {"status":{"code":"SUCCESS"},"runnerItems":[{"id":"%s","postModelOutputsRequest":{
                      "modelId":"slow-echo","inputs":[{"id":"in","data":{"embeddings":[{"vector":[%d, 0.25]}]}}]}}]}""".formatted(id, WORK);
        }
    }

    @Inject
    Agent agent;

    @Test
    void anItemWhoseLeaseIsLostIsCancelledHereAndItsOutputsAreNeverPosted() throws Exception {
        long started = System.nanoTime();
        Waits.until(
                () -> FakeUpstream.received(RUNNER + "/items").size() >= 3,
                Duration.ofSeconds(30),
                "both slow items are pulled and given up, and the loop polls again");
        Waits.until(() -> agent.inFlight() == 0, Duration.ofSeconds(10), "nothing is held any more");
        double cancelled = metric("runner_agent_items_total{outcome=\"cancelled\"}");
        long elapsed = Duration.ofNanos(System.nanoTime() - started).toMillis();

        assertEquals(2.0, cancelled, "both items were cancelled here");
        List<FakeUpstream.Received> refused = FakeUpstream.received(RUNNER + "/items/refused-1/outputs");
        assertEquals(2, refused.size(), "one renewal landed, the next was refused, and nothing followed");
        assertTrue(
                refused.get(0).body().contains("\"code\":\"SUCCESS\""),
                refused.get(0).body());
        assertTrue(
                FakeUpstream.received(RUNNER + "/items/expired-1/outputs").size() >= 2,
                "renewals were tried until the lease ran out");

        // Wait out the forward pass that was already running when refused-1 was given up: its outputs are dropped.
        Thread.sleep(Math.max(0, 8_000 - elapsed));
        for (String item : List.of("refused-1", "expired-1")) {
            for (FakeUpstream.Received post : FakeUpstream.received(RUNNER + "/items/" + item + "/outputs")) {
                assertTrue(
                        !post.body().contains("runnerItemOutputs"),
                        "no outputs of a lost item are posted: " + post.body());
            }
        }
        assertEquals(0.0, metric("runner_agent_items_total{outcome=\"completed\"}"));
    }

    /** A sample's value in the node's Prometheus metrics, 0 when absent. */
    static double metric(String sample) {
        return Metrics.sample(
                given().get("/q/metrics").then().statusCode(200).extract().asString(), sample);
    }
}
