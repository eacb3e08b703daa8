package dev.runneragent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runneragent.agent.FakeUpstream.Answer;
import dev.runneragent.testing.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Renewals against an upstream that takes a while to answer each one: the leases of the items held are renewed side
 * by side, so that a slow upstream delays every renewal by one answer, not by one answer per item.
 */
@QuarkusTest
@TestProfile(AgentLeaseReportsTest.Scripted.class)
class AgentLeaseReportsTest {

    private static final String RUNNER = "/v2/users/" + FakeUpstream.USER + "/runners/slow-renewals";

    private static final List<String> ITEMS = List.of("slow-1", "slow-2", "slow-3", "slow-4");

    /** How long the upstream takes to answer each report. */
    private static final long ANSWER_MILLIS = 1_500;

    public static class Scripted extends FakeUpstream.AsAgentProfile {
        public Scripted() {
            super(
                    ScriptedUpstream.class,
                    "runner.models.dir",
                    "src/test/resources/slow-models",
                    "runner.agent.lease",
                    "20s",
                    "runner.agent.lease-renewal",
                    "500ms");
        }
    }

    public static class ScriptedUpstream extends FakeUpstream.AsAgent {

        @Override
        protected String runnerId() {
            return "slow-renewals";
        }

        @Override
        protected void script() {
            FakeUpstream.script(RUNNER, new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"}}"));
            StringBuilder items = new StringBuilder();
            for (String id : ITEMS) {
                items.append(items.isEmpty() ? "" : ",").append("""
                        {"id":"%s","postModelOutputsRequest":{"modelId":"slow-echo",
                         "inputs":[{"id":"in","data":{"embeddings":[{"vector":[150000, 0.5]}]}}]}}""".formatted(id));
            }
            FakeUpstream.script(
                    RUNNER + "/items",
                    new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"},\"runnerItems\":[" + items + "]}"),
                    new Answer(200, "{\"status\":{\"code\":\"RUNNER_NEEDS_RETRY\"}}", 300));
            for (String id : ITEMS) {
                FakeUpstream.script(
                        RUNNER + "/items/" + id + "/outputs",
                        new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"}}", ANSWER_MILLIS));
            }
        }
    }

    @Test
    void theLeasesOfItemsHeldTogetherAreRenewedSideBySide() throws Exception {
        Waits.until(
                () -> ITEMS.stream()
                        .allMatch(id -> !FakeUpstream.received(RUNNER + "/items/" + id + "/outputs")
                                .isEmpty()),
                Duration.ofSeconds(30),
                "each item's first renewal arrives");
        List<Long> firstReports = ITEMS.stream()
                .map(id -> FakeUpstream.received(RUNNER + "/items/" + id + "/outputs")
                        .get(0))
                .peek(report ->
                        assertTrue(!report.body().contains("runnerItemOutputs"), "a progress report, not a result"))
                .map(FakeUpstream.Received::atNanos)
                .toList();
        long spread = Duration.ofNanos(firstReports.stream()
                                .mapToLong(Long::longValue)
                                .max()
                                .orElseThrow()
                        - firstReports.stream().mapToLong(Long::longValue).min().orElseThrow())
                .toMillis();
        // One after the other, the fourth report would come at least 3 answers (4.5 s) after the first.
        assertTrue(spread < ANSWER_MILLIS, "the four first renewals came " + spread + " ms apart");
        assertEquals(ITEMS.size(), firstReports.size());
    }
}
