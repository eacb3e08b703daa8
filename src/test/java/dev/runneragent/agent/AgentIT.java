package dev.runneragent.agent;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runneragent.execution.TestInputs;
import dev.runneragent.testing.NodeProcess;
import dev.runneragent.testing.TestNode;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.awt.Color;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hub with no models of its own and an agent with the sample models, as two processes of the packaged node over
 * loopback: the agent registers with the hub advertising its models, a workflow created on the hub over those models
 * runs through runner items that the agent pulls, and the answers equal the agent's own local run.
 */
class AgentIT {

    private static final String WORKFLOW = """
            {"workflows":[{"id":"through-agent","nodes":[
              {"id":"embed","model":{"id":"image-embedder"},"suppressOutput":true},
              {"id":"from-embedding","model":{"id":"colour-from-embedding"},"nodeInputs":[{"nodeId":"embed"}]},
              {"id":"classify","model":{"id":"colour-classifier"}}]}]}""";

    private static RequestSpecification on(NodeProcess node) {
        return given().baseUri(node.url())
                .header("Authorization", "Key " + TestNode.ADMIN_KEY)
                .contentType(ContentType.JSON);
    }

    private static String image(String id, Color colour) {
        return "{\"id\":\"" + id + "\",\"data\":{\"image\":{\"base64\":\""
                + Base64.getEncoder().encodeToString(TestInputs.solid(colour, 40)) + "\"}}}";
    }

    private static NodeProcess hub;

    @BeforeAll
    static void startHub() {
        hub = NodeProcess.start("agent-it-hub", Map.of());
    }

    @AfterAll
    static void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    private static Map<String, String> agentOf(String runnerId, String... more) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "runner.models.dir",
                Path.of("models").toAbsolutePath().toString(),
                "runner.agent.control-plane-url",
                hub.url(),
                "runner.agent.user-id",
                TestNode.ADMIN,
                "runner.agent.key",
                TestNode.ADMIN_KEY,
                "runner.agent.runner-id",
                runnerId));
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return settings;
    }

    @Test
    void aNodeThatCannotMeetItsNodepoolsComputeInfoRefusesToStartNamingTheResource() {
        IllegalStateException refused = assertThrows(
                IllegalStateException.class,
                () -> NodeProcess.start(
                        "agent-it-mismatch",
                        agentOf("agent-it-mismatch", "runner.agent.compute-info.num-accelerators", "2")));
        assertTrue(
                refused.getMessage().contains("its computeInfo (runner.agent.compute-info.*) needs 2 accelerator(s)"),
                refused.getMessage());

        // With an inventory that has them (simulated), the same nodepool is met: the node starts and registers.
        try (NodeProcess agent = NodeProcess.start(
                "agent-it-simulated",
                agentOf(
                        "agent-it-simulated",
                        "runner.agent.compute-info.num-accelerators",
                        "2",
                        "runner.agent.compute-info.accelerator-type",
                        "NVIDIA-A10G",
                        "runner.devices.simulate",
                        "gpu:2:24Gi:NVIDIA-A10G"))) {
            JsonPath runner = on(hub).get("/v2/users/me/runners/agent-it-simulated")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertEquals(2, runner.getInt("runner.computeInfo.numAccelerators"));
            assertEquals("agent-it-simulated", readyData(agent, "runner"));
        }
        on(hub).body("{\"ids\":[\"agent-it-simulated\"]}")
                .delete("/v2/users/me/runners")
                .then()
                .statusCode(200);
    }

    @Test
    void aWorkflowOnTheHubRunsOnTheAgentsModelsAndAnswersAsALocalRun() {
        try (NodeProcess agent = NodeProcess.start("agent-it-agent", agentOf("agent-it-node"))) {
            // Ready means registered: the hub knows the runner and the models it serves.
            JsonPath runner = on(hub).get("/v2/users/me/runners/agent-it-node")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertTrue(runner.getList("runner.metadata.models").contains("colour-from-embedding"), runner.prettify());

            on(hub).body(WORKFLOW).post("/v2/workflows").then().statusCode(200);
            on(agent).body(WORKFLOW).post("/v2/workflows").then().statusCode(200);
            String inputs = "{\"inputs\":["
                    + String.join(
                            ",",
                            image("r", new Color(230, 20, 25)),
                            image("g", new Color(25, 210, 40)),
                            image("b", new Color(20, 30, 240)))
                    + "]}";

            JsonPath remote = on(hub).body(inputs)
                    .post("/v2/workflows/through-agent/results")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            JsonPath local = on(agent)
                    .body(inputs)
                    .post("/v2/workflows/through-agent/results")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();

            assertEquals("SUCCESS", remote.getString("status.code"), remote.prettify());
            List<String> colours = List.of("red", "green", "blue");
            for (int i = 0; i < 3; i++) {
                for (int o = 0; o < 2; o++) {
                    String concepts = "results[" + i + "].outputs[" + o + "].data.concepts";
                    assertEquals(colours.get(i), remote.getString(concepts + "[0].id"));
                    assertEquals(local.getList(concepts + ".id"), remote.getList(concepts + ".id"));
                    assertEquals(
                            local.getList(concepts + ".value", Float.class),
                            remote.getList(concepts + ".value", Float.class),
                            "the same model on the same input answers the same, here or through the hub");
                }
            }
            // Between hub and agent the items and results went in protobuf's binary encoding, which both speak.
            assertEquals("application/x-protobuf", readyData(agent, "encoding"));
        }
    }

    /** A value of the agent check's data in {@code node}'s readiness answer, which must be ready. */
    private static String readyData(NodeProcess node, String key) {
        return on(node).get("/q/health/ready")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("checks.find { it.name == 'agent' }.data." + key);
    }
}
