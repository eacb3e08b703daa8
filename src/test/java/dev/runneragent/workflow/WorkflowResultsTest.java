package dev.runneragent.workflow;

import static dev.runneragent.testing.Api.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runneragent.execution.TestInputs;
import dev.runneragent.store.Db;
import dev.runneragent.testing.SampleModelsProfile;
import dev.runneragent.testing.TestFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.awt.Color;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * PostWorkflowResults over the sample models: graphs of two and three nodes (a suppressed embedder feeding a
 * classifier of embeddings), version pinning, output settings, URL inputs, mixed batches, workflow states, limits.
 */
@QuarkusTest
@TestProfile(SampleModelsProfile.class)
class WorkflowResultsTest {

    static final Color RED = new Color(230, 20, 25);
    static final Color GREEN = new Color(25, 210, 40);
    static final Color BLUE = new Color(20, 30, 240);

    static final TestFiles FILES = new TestFiles();

    @Inject
    Db db;

    @AfterAll
    static void stopFiles() {
        FILES.close();
    }

    /** Two independent nodes: the colour classifier and the image embedder. */
    static final String TWO_NODES = """
            {"workflows":[{"id":"%s","nodes":[
              {"id":"classify","model":{"id":"colour-classifier"}},
              {"id":"embed","model":{"id":"image-embedder"}}]}]}""";

    /** Three nodes, given out of order: a suppressed embedder feeds a classifier of embeddings. */
    static final String THREE_NODES = """
            {"workflows":[{"id":"%s","nodes":[
              {"id":"from-embedding","model":{"id":"colour-from-embedding"},"nodeInputs":[{"nodeId":"embed"}]},
              {"id":"embed","model":{"id":"image-embedder"},"suppressOutput":true},
              {"id":"classify","model":{"id":"colour-classifier"}}]}]}""";

    static void create(String body) {
        asAdmin().body(body).post("/v2/workflows").then().statusCode(200);
    }

    static String image(String id, Color colour) {
        return image(id, TestInputs.solid(colour, 40));
    }

    static String image(String id, byte[] bytes) {
        return "{\"id\":\"" + id + "\",\"data\":{\"image\":{\"base64\":\""
                + Base64.getEncoder().encodeToString(bytes) + "\"}}}";
    }

    static String url(String id, String url) {
        return "{\"id\":\"" + id + "\",\"data\":{\"image\":{\"url\":\"" + url + "\"}}}";
    }

    static String inputs(String... inputs) {
        return "{\"inputs\":[" + String.join(",", inputs) + "]}";
    }

    static JsonPath run(String path, String body, int httpStatus) {
        return asAdmin()
                .body(body)
                .post(path)
                .then()
                .statusCode(httpStatus)
                .extract()
                .jsonPath();
    }

    @Test
    void twoNodesAnswerOneResultPerInputInRequestOrder() {
        create(TWO_NODES.formatted("two-nodes"));

        JsonPath answer = run(
                "/v2/workflows/two-nodes/results", inputs(image("r", RED), image("g", GREEN), image("b", BLUE)), 200);

        assertEquals("SUCCESS", answer.getString("status.code"));
        assertEquals("two-nodes", answer.getString("workflow.id"));
        assertEquals(List.of("classify", "embed"), answer.getList("workflow.nodes.id"));
        assertEquals(List.of("r", "g", "b"), answer.getList("results.input.id"));
        List<String> colours = List.of("red", "green", "blue");
        for (int i = 0; i < 3; i++) {
            String result = "results[" + i + "]";
            assertEquals("SUCCESS", answer.getString(result + ".status.code"));
            assertEquals(List.of("colour-classifier", "image-embedder"), answer.getList(result + ".outputs.model.id"));
            assertEquals(List.of("1", "1"), answer.getList(result + ".outputs.model.modelVersion.id"));
            assertEquals(colours.get(i), answer.getString(result + ".outputs[0].data.concepts[0].id"));
            assertEquals(3, answer.getList(result + ".outputs[0].data.concepts").size());
            assertEquals(
                    48,
                    answer.getList(result + ".outputs[1].data.embeddings[0].vector")
                            .size());
            assertEquals(null, answer.getString(result + ".input.data.image.base64"), "no bytes echoed");
            assertTrue(answer.getString(result + ".id").length() > 0);
        }
        assertEquals(null, answer.getString("workflowState.id"));
    }

    @Test
    void aSuppressedEmbedderFeedsTheClassifierOfEmbeddings() {
        create(THREE_NODES.formatted("three-nodes"));

        JsonPath answer = run(
                "/v2/workflows/three-nodes/results", inputs(image("b", BLUE), image("r", RED), image("g", GREEN)), 200);

        assertEquals("SUCCESS", answer.getString("status.code"));
        assertEquals(List.of("embed", "classify", "from-embedding"), answer.getList("workflow.nodes.id"));
        List<String> expected = List.of("blue", "red", "green");
        for (int i = 0; i < 3; i++) {
            String result = "results[" + i + "]";
            // The embedder's output is hidden, but the classifier of embeddings got its vectors.
            assertEquals(
                    List.of("colour-classifier", "colour-from-embedding"),
                    answer.getList(result + ".outputs.model.id"));
            assertEquals(expected.get(i), answer.getString(result + ".outputs[0].data.concepts[0].id"));
            assertEquals(expected.get(i), answer.getString(result + ".outputs[1].data.concepts[0].id"));
            assertTrue(answer.getFloat(result + ".outputs[1].data.concepts[0].value") > 0.9f);
        }
    }

    @Test
    void theClassifierOfEmbeddingsScoresWhatTheEmbedderAnswersDirectly() {
        create(THREE_NODES.formatted("three-nodes-values"));
        byte[] scene = TestInputs.encode(TestInputs.scene(64), "png");

        JsonPath workflow = run("/v2/workflows/three-nodes-values/results", inputs(image("s", scene)), 200);
        JsonPath embedded = run("/v2/models/image-embedder/outputs", inputs(image("s", scene)), 200);
        List<Float> vector = embedded.getList("outputs[0].data.embeddings[0].vector", Float.class);
        JsonPath classified = run(
                "/v2/models/colour-from-embedding/outputs",
                "{\"inputs\":[{\"id\":\"s\",\"data\":{\"embeddings\":[{\"vector\":" + vector + "}]}}]}",
                200);

        assertEquals(
                classified.getList("outputs[0].data.concepts.id"),
                workflow.getList("results[0].outputs[1].data.concepts.id"));
        List<Float> direct = classified.getList("outputs[0].data.concepts.value", Float.class);
        List<Float> viaWorkflow = workflow.getList("results[0].outputs[1].data.concepts.value", Float.class);
        for (int i = 0; i < direct.size(); i++) {
            assertEquals(direct.get(i), viaWorkflow.get(i), 1e-6f);
        }
    }

    @Test
    void aPinnedVersionRunsTheGraphItHadAfterAPatch() {
        asAdmin().body("""
                {"workflows":[{"id":"pinned","nodes":[{"id":"classify","model":{"id":"colour-classifier"}}]}]}""").post("/v2/workflows").then().statusCode(200);
        String first = asAdmin().get("/v2/workflows/pinned").then().extract().path("workflow.version.id");
        asAdmin().body("""
                {"action":"merge","workflows":[{"id":"pinned","nodes":[
                  {"id":"embed","model":{"id":"image-embedder"}}]}]}""").patch("/v2/workflows").then().statusCode(200);
        String second = asAdmin().get("/v2/workflows/pinned").then().extract().path("workflow.version.id");
        assertTrue(!first.equals(second), "the patch made a new version");

        JsonPath latest = run("/v2/workflows/pinned/results", inputs(image("r", RED)), 200);
        JsonPath old = run("/v2/workflows/pinned/versions/" + first + "/results", inputs(image("r", RED)), 200);
        JsonPath appRoute = run(
                "/v2/users/me/apps/main/workflows/pinned/versions/" + first + "/results", inputs(image("r", RED)), 200);

        assertEquals(List.of("colour-classifier", "image-embedder"), latest.getList("results[0].outputs.model.id"));
        assertEquals(second, latest.getString("workflow.version.id"));
        assertEquals(List.of("colour-classifier"), old.getList("results[0].outputs.model.id"));
        assertEquals(first, old.getString("workflow.version.id"));
        assertEquals(List.of("classify"), old.getList("workflow.nodes.id"));
        assertEquals(List.of("colour-classifier"), appRoute.getList("results[0].outputs.model.id"));
        asAdmin()
                .body(inputs(image("r", RED)))
                .post("/v2/workflows/pinned/versions/no-such-version/results")
                .then()
                .statusCode(404)
                .body("status.code", equalTo("WORKFLOW_DOES_NOT_EXIST"))
                .body("status.details", containsString("no-such-version"));
    }

    @Test
    void outputConfigAppliesToEveryClassifierAndAnOverrideSelectsANodesConcepts() {
        create("""
                {"workflows":[{"id":"configured","nodes":[
                  {"id":"all","model":{"id":"colour-classifier"}},
                  {"id":"embed","model":{"id":"image-embedder"}},
                  {"id":"green-only","model":{"id":"colour-classifier"},
                   "outputInfoOverride":{"data":{"concepts":[{"id":"green"}]}}}]}]}""");

        JsonPath top = run(
                "/v2/workflows/configured/results",
                "{\"inputs\":[" + image("r", RED) + "],\"outputConfig\":{\"maxConcepts\":1}}",
                200);
        assertEquals(List.of("red"), top.getList("results[0].outputs[0].data.concepts.id"));
        assertEquals(List.of("green"), top.getList("results[0].outputs[2].data.concepts.id"));
        assertEquals(
                48,
                top.getList("results[0].outputs[1].data.embeddings[0].vector").size());

        // A selection the embedder cannot answer does not fail it; a classifier without the concept shows none.
        JsonPath selected = run(
                "/v2/workflows/configured/results",
                "{\"inputs\":[" + image("r", RED) + "],\"outputConfig\":{\"selectConcepts\":[{\"name\":\"blue\"}]}}",
                200);
        assertEquals("SUCCESS", selected.getString("status.code"));
        assertEquals(List.of("blue"), selected.getList("results[0].outputs[0].data.concepts.id"));
        assertEquals(
                48,
                selected.getList("results[0].outputs[1].data.embeddings[0].vector")
                        .size());
        assertEquals(List.of("green"), selected.getList("results[0].outputs[2].data.concepts.id"));

        JsonPath minimum = run(
                "/v2/workflows/configured/results",
                "{\"inputs\":[" + image("r", RED) + "],\"outputConfig\":{\"minValue\":0.5}}",
                200);
        assertEquals(List.of("red"), minimum.getList("results[0].outputs[0].data.concepts.id"));
        assertEquals(null, minimum.getList("results[0].outputs[2].data.concepts"));
    }

    @Test
    void urlInputsAreFetchedAndAMixedBatchAnswersEachInputsOwnStatus() {
        create(TWO_NODES.formatted("mixed"));
        String green = FILES.put("/green.png", TestInputs.solid(GREEN, 30));

        JsonPath answer = run(
                "/v2/workflows/mixed/results",
                inputs(
                        image("good", RED),
                        url("fetched", green),
                        url("redirected", FILES.url("/redirect/green.png")),
                        image("not-an-image", "plain text, not a picture".getBytes()),
                        url("missing", FILES.url("/missing.png")),
                        url("ftp", "ftp://example.com/a.png"),
                        "{\"id\":\"empty\",\"data\":{}}"),
                200);

        assertEquals("MIXED_STATUS", answer.getString("status.code"));
        assertEquals(
                List.of(
                        "SUCCESS",
                        "SUCCESS",
                        "SUCCESS",
                        "INPUT_UNSUPPORTED_FORMAT",
                        "INPUT_CONNECTION_FAILED",
                        "INPUT_INVALID_URL",
                        "INPUT_INVALID_REQUEST"),
                answer.getList("results.status.code"),
                answer.prettify());
        assertEquals("4 of 7 inputs failed", answer.getString("status.details"));
        assertEquals("green", answer.getString("results[1].outputs[0].data.concepts[0].id"));
        assertEquals("green", answer.getString("results[2].outputs[0].data.concepts[0].id"));
        assertEquals(green, answer.getString("results[1].input.data.image.url"));
        assertEquals(2, answer.getList("results[3].outputs").size(), "a broken image fails each node's output");
        assertEquals(
                List.of("INPUT_UNSUPPORTED_FORMAT", "INPUT_UNSUPPORTED_FORMAT"),
                answer.getList("results[3].outputs.status.code"));
        assertTrue(answer.getString("results[4].status.details").contains("HTTP 404"));
        assertEquals(null, answer.getList("results[4].outputs"), "a failed fetch reaches no node");
        assertTrue(answer.getString("results[5].status.details").contains("not an http or https URL"));
        assertEquals(
                List.of("good", "fetched", "redirected", "not-an-image", "missing", "ftp", "empty"),
                answer.getList("results.input.id"));
    }

    @Test
    void everyInputFailingAnswersTheirCommonStatusWithAnHonestHttpStatus() {
        create(TWO_NODES.formatted("all-broken"));

        asAdmin()
                .body(inputs(url("a", FILES.url("/nothing-here")), url("b", FILES.url("/nor-here"))))
                .post("/v2/workflows/all-broken/results")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("INPUT_CONNECTION_FAILED"))
                .body("results", hasSize(2));
        asAdmin()
                .body(inputs(url("a", "gopher://x/1"), url("b", "not a url at all")))
                .post("/v2/workflows/all-broken/results")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("INPUT_INVALID_URL"))
                .body("results.status.code", contains("INPUT_INVALID_URL", "INPUT_INVALID_URL"));
    }

    @Test
    void inputsAreLimitedToThirtyTwo() {
        create(TWO_NODES.formatted("limited"));
        String red = image("", RED).replace("\"id\":\"\",", "");
        String many = IntStream.range(0, 33).mapToObj(i -> red).collect(Collectors.joining(","));

        asAdmin()
                .body("{\"inputs\":[" + many + "]}")
                .post("/v2/workflows/limited/results")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("WORKFLOW_INVALID_ARGUMENT"))
                .body("status.details", equalTo("inputs holds 33 inputs; a workflow request takes at most 32"))
                .body("results", nullValue()); // an empty list is left out, as Clarifai does
        asAdmin()
                .body("{\"inputs\":[]}")
                .post("/v2/workflows/limited/results")
                .then()
                .statusCode(400)
                .body("status.details", containsString("at least one input"));

        String thirtyTwo = IntStream.range(0, 32).mapToObj(i -> red).collect(Collectors.joining(","));
        JsonPath answer = run("/v2/workflows/limited/results", "{\"inputs\":[" + thirtyTwo + "]}", 200);
        assertEquals(32, answer.getList("results").size());
        List<String> ids = answer.getList("results.input.id");
        assertEquals(32, ids.stream().distinct().count(), "each input without an id gets one");
        assertTrue(ids.stream().noneMatch(String::isEmpty));
    }

    @Test
    void aWorkflowStateIsMadeRenewedAndRefusedOnceExpired() throws Exception {
        create(TWO_NODES.formatted("stateful"));
        create(TWO_NODES.formatted("stateful-other"));

        String state = run(
                        "/v2/workflows/stateful/results",
                        "{\"inputs\":[" + image("r", RED) + "],\"workflowState\":{\"id\":\"init\"}}",
                        200)
                .getString("workflowState.id");
        assertTrue(state.matches("[0-9a-f]{32}"), state);
        JsonPath again = run(
                "/v2/workflows/stateful/results",
                "{\"inputs\":[" + image("r", RED) + "],\"workflowState\":{\"id\":\"" + state + "\"}}",
                200);
        assertEquals(state, again.getString("workflowState.id"));

        asAdmin()
                .body("{\"inputs\":[" + image("r", RED) + "],\"workflowState\":{\"id\":\"" + state + "\"}}")
                .post("/v2/workflows/stateful-other/results")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("WORKFLOW_INVALID_ARGUMENT"))
                .body("status.details", containsString("belongs to another workflow"));
        asAdmin()
                .body("{\"inputs\":[" + image("r", RED) + "],\"workflowState\":{\"id\":\"no-such-state\"}}")
                .post("/v2/workflows/stateful/results")
                .then()
                .statusCode(400)
                .body("status.details", containsString("'no-such-state' is unknown"));

        // Six minutes without use: past the five a state lives after its last use.
        db.inTransaction(c -> {
            try (PreparedStatement age =
                    c.prepareStatement("UPDATE workflow_states SET last_used_at = ? WHERE id = ?")) {
                age.setTimestamp(1, Timestamp.from(Instant.now().minusSeconds(360)));
                age.setString(2, state);
                return age.executeUpdate();
            }
        });
        asAdmin()
                .body("{\"inputs\":[" + image("r", RED) + "],\"workflowState\":{\"id\":\"" + state + "\"}}")
                .post("/v2/workflows/stateful/results")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("WORKFLOW_INVALID_ARGUMENT"))
                .body("status.details", containsString("expired"))
                .body("results", nullValue()); // an empty list is left out, as Clarifai does
    }

    @Test
    void anUnknownWorkflowIsNotFound() {
        asAdmin()
                .body(inputs(image("r", RED)))
                .post("/v2/workflows/never-made/results")
                .then()
                .statusCode(404)
                .body("status.code", equalTo("WORKFLOW_DOES_NOT_EXIST"))
                .body("status.reqId", not(emptyString()));
    }

    @Test
    void textWorkflowsRunTheTextModels() {
        create("""
                {"workflows":[{"id":"text-flow","nodes":[
                  {"id":"sentiment","model":{"id":"text-sentiment"}},
                  {"id":"embed","model":{"id":"text-embedder"}}]}]}""");
        String fromUrl = FILES.put("/review.txt", "what a wonderful dinner".getBytes());

        JsonPath answer = run(
                "/v2/workflows/text-flow/results",
                "{\"inputs\":[{\"id\":\"sad\",\"data\":{\"text\":{\"raw\":\"terrible rain\"}}},"
                        + "{\"id\":\"glad\",\"data\":{\"text\":{\"url\":\"" + fromUrl + "\"}}}]}",
                200);

        assertEquals("negative", answer.getString("results[0].outputs[0].data.concepts[0].id"));
        assertEquals("positive", answer.getString("results[1].outputs[0].data.concepts[0].id"));
        assertEquals(
                8,
                answer.getList("results[1].outputs[1].data.embeddings[0].vector")
                        .size());
        assertEquals(fromUrl, answer.getString("results[1].input.data.text.url"));
        assertEquals(null, answer.getString("results[1].input.data.text.raw"));
    }
}
