package dev.runneragent.agent;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runneragent.agent.FakeUpstream.Answer;
import dev.runneragent.execution.TestInputs;
import dev.runneragent.testing.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.awt.Color;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent's decisions against a scripted upstream, from the start of the node: a failing GetRunner is tried
 * again, an unknown runner is registered with the served models and its capacity, the items of a poll run on this
 * node's engine and their outputs are posted, and a refused key stops the pulling and makes the node unready, saying why.
 */
@QuarkusTest
@TestProfile(AgentTest.Scripted.class)
class AgentTest {

    private static final String RUNNERS = "/v2/users/" + FakeUpstream.USER + "/runners";
    private static final String RUNNER = RUNNERS + "/fake-agent";

    /** The fake upstream, scripted before the node starts, and the node configured as its agent. */
    public static class Scripted extends FakeUpstream.AsAgentProfile {
        public Scripted() {
            super(ScriptedUpstream.class);
        }
    }

    public static class ScriptedUpstream extends FakeUpstream.AsAgent {

        @Override
        protected String runnerId() {
            return "fake-agent";
        }

        @Override
        protected void script() {
            String red = Base64.getEncoder().encodeToString(TestInputs.solid(new Color(230, 20, 25), 16));
            String blue = Base64.getEncoder().encodeToString(TestInputs.solid(new Color(20, 25, 230), 16));
            FakeUpstream.script(
                    RUNNER,
                    new Answer(503, "{\"status\":{\"code\":\"RPC_SERVER_UNAVAILABLE\"}}"),
                    new Answer(404, "{\"status\":{\"code\":\"RUNNER_DOES_NOT_EXIST\"}}"));
            FakeUpstream.script(
                    RUNNERS,
                    new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"},\"runners\":[{\"id\":\"fake-agent\"}]}"));
            FakeUpstream.script(
                    RUNNER + "/items",
                    new Answer(200, """
                            {"status":{"code":"SUCCESS"},"runnerItems":[{"id":"item-1",
                              "postModelOutputsRequest":{"modelId":"colour-classifier",
                                "inputs":[{"id":"in-1","data":{"image":{"base64":"%s"}}}]}},
                              {"id":"item-2","postModelOutputsRequest":{"modelId":"colour-classifier",
                                "inputs":[{"id":"in-2","data":{"image":{"base64":"%s"}}}]}}]}""".formatted(red, blue)),
                    new Answer(401, "{\"status\":{\"code\":\"CONN_KEY_INVALID\",\"details\":\"key revoked\"}}"));
            FakeUpstream.script(
                    RUNNER + "/items/item-1/outputs", new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"}}"));
            FakeUpstream.script(
                    RUNNER + "/items/item-2/outputs", new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"}}"));
        }
    }

    @Inject
    Agent agent;

    @Test
    void registersRunsAnItemReportsItAndStopsWhenTheKeyIsRefused() throws Exception {
        Waits.until(() -> agent.state() == Agent.State.STOPPED, Duration.ofSeconds(20), "the agent stops pulling");

        assertTrue(agent.problem().contains("key revoked"), agent.problem());
        assertEquals(2, FakeUpstream.received(RUNNER).size(), "a GetRunner answered 503 is tried again");
        List<FakeUpstream.Received> registered = FakeUpstream.received(RUNNERS);
        assertEquals(1, registered.size());
        assertEquals("POST", registered.get(0).method());
        assertTrue(
                registered.get(0).body().contains("\"id\":\"fake-agent\""),
                registered.get(0).body());
        assertTrue(registered.get(0).body().contains("\"colour-classifier\""), "advertises the served models");
        assertTrue(
                registered.get(0).body().contains("\"capacity\":4"),
                "advertises runner.agent.capacity: " + registered.get(0).body());
        List<FakeUpstream.Received> posted = FakeUpstream.received(RUNNER + "/items/item-1/outputs");
        assertEquals(1, posted.size());
        assertTrue(
                posted.get(0).body().contains("\"id\":\"red\""),
                "the engine's answer: " + posted.get(0).body());
        List<FakeUpstream.Received> second = FakeUpstream.received(RUNNER + "/items/item-2/outputs");
        assertEquals(1, second.size(), "both items of one poll run and are posted");
        assertTrue(
                second.get(0).body().contains("\"id\":\"blue\""),
                "the engine's answer: " + second.get(0).body());
        assertEquals(2, FakeUpstream.received(RUNNER + "/items").size(), "no poll after the key was refused");

        given().get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'agent' }.status", org.hamcrest.Matchers.equalTo("DOWN"))
                .body("checks.find { it.name == 'agent' }.data.problem", containsString("refused the key"));
    }
}
