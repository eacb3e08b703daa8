package dev.runneragent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.agent.FakeUpstream.Answer;
import dev.runneragent.execution.TestInputs;
import dev.runneragent.store.Db;
import dev.runneragent.testing.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.awt.Color;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The agent's outbox against a scripted upstream: outputs the hub cannot take yet stay in the node's store and are
 * posted again until it takes them; results left by an earlier run are posted too; outputs the hub will never take
 * (the item was cancelled) are dropped.
 */
@QuarkusTest
@TestProfile(AgentOutboxTest.Scripted.class)
class AgentOutboxTest {

    private static final String RUNNER = "/v2/users/" + FakeUpstream.USER + "/runners/outbox-agent";

    public static class Scripted extends FakeUpstream.AsAgentProfile {
        public Scripted() {
            // One retry per post inside the client, a flush every 300 ms: failures show within the test.
            super(
                    ScriptedUpstream.class,
                    "dev.runneragent.agent.Upstream/postRunnerItemOutputs/Retry/maxRetries",
                    "1",
                    "dev.runneragent.agent.Upstream/postRunnerItemOutputs/Retry/delay",
                    "10",
                    "runner.agent.outbox-retry",
                    "300ms");
        }
    }

    public static class ScriptedUpstream extends FakeUpstream.AsAgent {

        @Override
        protected String runnerId() {
            return "outbox-agent";
        }

        @Override
        protected void script() {
            String green = Base64.getEncoder().encodeToString(TestInputs.solid(new Color(25, 210, 40), 16));
            FakeUpstream.script(RUNNER, new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"},\"runner\":{}}"));
            FakeUpstream.script(
                    RUNNER + "/items",
                    new Answer(200, """
                            {"status":{"code":"SUCCESS"},"runnerItems":[{"id":"item-1",
                              "postModelOutputsRequest":{"modelId":"colour-classifier",
                                "inputs":[{"id":"in-1","data":{"image":{"base64":"%s"}}}]}}]}""".formatted(green)),
                    new Answer(200, "{\"status\":{\"code\":\"RUNNER_NEEDS_RETRY\"}}", 500));
            String unavailable = "{\"status\":{\"code\":\"RPC_SERVER_UNAVAILABLE\"}}";
            FakeUpstream.script(
                    RUNNER + "/items/item-1/outputs",
                    new Answer(503, unavailable),
                    new Answer(503, unavailable),
                    new Answer(503, unavailable),
                    new Answer(503, unavailable),
                    new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"}}"));
        }
    }

    @Inject
    Outbox outbox;

    @Inject
    Db db;

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Waits.until(condition, Duration.ofSeconds(20), what);
    }

    @Test
    void outputsTheHubCannotTakeYetArePostedAgainUntilItDoes() throws Exception {
        String outputs = RUNNER + "/items/item-1/outputs";
        await(() -> FakeUpstream.received(outputs).size() >= 5, "posted until the hub takes it");
        await(() -> outbox.pending("outbox-agent", 10).isEmpty(), "delivered by the flusher");
        List<FakeUpstream.Received> posts = FakeUpstream.received(outputs);
        // A post tries twice here (one retry in the client): five posts mean the outbox kept the result after the
        // first two failed deliveries and the flusher posted it again, until the hub took it.
        assertEquals(5, posts.size(), "four failures, then the hub took it");
        assertTrue(
                posts.get(4).body().contains("\"id\":\"green\""), posts.get(4).body());
    }

    @Test
    void aResultTheHubTookLeavesPendingAtOnceAndTheStoreSoonAfter() throws Exception {
        MultiOutputResponse result = MultiOutputResponse.newBuilder()
                .setStatus(Status.newBuilder().setCode(StatusCode.SUCCESS))
                .build();
        String runner = "another-runner"; // not this agent's: nothing posts these
        outbox.put(runner, "taken-1", result);
        outbox.put(runner, "taken-2", result);
        outbox.put(runner, "kept", result);
        outbox.remove(runner, "taken-1");
        assertEquals(
                List.of("taken-2", "kept"), // oldest first
                outbox.pending(runner, 10).stream().map(Outbox.Entry::itemId).toList(),
                "a result the hub took is no longer pending, even before its row is deleted");
        await(() -> rows(runner).equals(List.of("kept", "taken-2")), "its row is deleted in the background");
        outbox.remove(runner, "taken-2");
        outbox.settle();
        assertEquals(List.of("kept"), rows(runner), "settle deletes what the hub took, before it returns");
        assertEquals(1, outbox.pending(runner, 10).size());
    }

    private List<String> rows(String runner) {
        return db.read(c -> {
            try (PreparedStatement select =
                    c.prepareStatement("SELECT item_id FROM agent_outbox WHERE runner_id = ? ORDER BY item_id")) {
                select.setString(1, runner);
                List<String> ids = new ArrayList<>();
                try (ResultSet found = select.executeQuery()) {
                    while (found.next()) {
                        ids.add(found.getString(1));
                    }
                }
                return ids;
            }
        });
    }

    @Test
    void resultsLeftByAnEarlierRunArePostedAndOnesTheHubRefusesAreDropped() throws Exception {
        MultiOutputResponse earlier = MultiOutputResponse.newBuilder()
                .setStatus(Status.newBuilder().setCode(StatusCode.SUCCESS))
                .build();
        FakeUpstream.script(RUNNER + "/items/item-old/outputs", new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"}}"));
        FakeUpstream.script(
                RUNNER + "/items/item-cancelled/outputs",
                new Answer(409, "{\"status\":{\"code\":\"RUNNER_ITEM_CANCELLED\"}}"));
        outbox.put("outbox-agent", "item-old", earlier);
        outbox.put("outbox-agent", "item-cancelled", earlier);

        await(
                () -> outbox.pending("outbox-agent", 10).stream()
                        .noneMatch(e ->
                                e.itemId().startsWith("item-old") || e.itemId().equals("item-cancelled")),
                "both leave the outbox");
        assertEquals(
                1, FakeUpstream.received(RUNNER + "/items/item-old/outputs").size());
        assertEquals(
                1,
                FakeUpstream.received(RUNNER + "/items/item-cancelled/outputs").size(),
                "not tried again");
    }
}
