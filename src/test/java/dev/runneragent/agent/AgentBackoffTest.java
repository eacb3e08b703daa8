package dev.runneragent.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runneragent.agent.FakeUpstream.Answer;
import dev.runneragent.testing.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pull loop's backoff against a scripted upstream: polls that fail are spaced exponentially (with jitter in the
 * upper half of each wait), and once a poll gets through the loop polls again at once.
 */
@QuarkusTest
@TestProfile(AgentBackoffTest.Scripted.class)
class AgentBackoffTest {

    private static final String ITEMS = "/v2/users/" + FakeUpstream.USER + "/runners/backoff-agent/items";

    public static class Scripted extends FakeUpstream.AsAgentProfile {
        public Scripted() {
            // One request per poll and no breaker, so that the loop's own backoff is all that spaces the polls.
            super(
                    ScriptedUpstream.class,
                    "dev.runneragent.agent.Upstream/listRunnerItems/Retry/maxRetries",
                    "0",
                    "dev.runneragent.agent.Upstream/listRunnerItems/CircuitBreaker/enabled",
                    "false");
        }
    }

    public static class ScriptedUpstream extends FakeUpstream.AsAgent {

        @Override
        protected String runnerId() {
            return "backoff-agent";
        }

        @Override
        protected void script() {
            FakeUpstream.script(
                    "/v2/users/" + FakeUpstream.USER + "/runners/backoff-agent",
                    new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"}}"));
            Answer unavailable = new Answer(503, "{\"status\":{\"code\":\"RPC_SERVER_UNAVAILABLE\"}}");
            Answer empty = new Answer(200, "{\"status\":{\"code\":\"RUNNER_NEEDS_RETRY\"}}", 50);
            FakeUpstream.script(ITEMS, unavailable, unavailable, unavailable, unavailable, empty);
        }
    }

    @Test
    void failedPollsBackOffExponentiallyAndASuccessfulOneIsFollowedAtOnce() throws Exception {
        Waits.until(() -> FakeUpstream.received(ITEMS).size() >= 8, Duration.ofSeconds(20), "8 polls");
        List<FakeUpstream.Received> polls = FakeUpstream.received(ITEMS);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < polls.size(); i++) {
            gaps.add(Duration.ofNanos(polls.get(i).atNanos() - polls.get(i - 1).atNanos())
                    .toMillis());
        }
        // After the n-th failure in a row the loop waits between half and all of 0.5 s * 2^(n-1).
        long[][] bounds = {{250, 500}, {500, 1000}, {1000, 2000}, {2000, 4000}};
        for (int n = 0; n < bounds.length; n++) {
            long gap = gaps.get(n);
            assertTrue(
                    gap >= bounds[n][0] && gap <= bounds[n][1] + 400,
                    "wait after failure " + (n + 1) + ": " + gap + " ms, gaps " + gaps);
        }
        for (int n = bounds.length; n < gaps.size(); n++) {
            assertTrue(gaps.get(n) < 250, "an empty poll is followed at once: gaps " + gaps);
        }
    }
}
