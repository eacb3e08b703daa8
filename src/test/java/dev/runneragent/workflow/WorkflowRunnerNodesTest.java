package dev.runneragent.workflow;

import static dev.runneragent.testing.Api.asAdmin;
import static dev.runneragent.testing.RunnerPolls.pollItem;
import static dev.runneragent.workflow.WorkflowResultsTest.GREEN;
import static dev.runneragent.workflow.WorkflowResultsTest.RED;
import static dev.runneragent.workflow.WorkflowResultsTest.create;
import static dev.runneragent.workflow.WorkflowResultsTest.image;
import static dev.runneragent.workflow.WorkflowResultsTest.inputs;
import static dev.runneragent.workflow.WorkflowResultsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.runner.StoredItems;
import dev.runneragent.store.Db;
import dev.runneragent.testing.SampleModelsProfile;
import dev.runneragent.testing.TestNode;
import dev.runneragent.testing.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Workflow nodes whose model lives only on a runner: the node becomes a runner item, a test runner pulling through
 * the HTTP endpoints completes it, and the workflow's caller gets its outputs; without a runner, the caller gets the
 * node's error within {@code runner.workflow.node-timeout} (3 s in this profile), never a hang.
 */
@QuarkusTest
@TestProfile(SampleModelsProfile.class)
class WorkflowRunnerNodesTest {

    private static final String RUNNERS = "/v2/users/me/runners";

    @Inject
    Db db;

    /** Registers a runner bound to {@code modelId}; answers its id. */
    private static String runnerFor(String modelId) {
        String id = "wf-runner-" + UUID.randomUUID().toString().substring(0, 8);
        asAdmin()
                .body("{\"runners\":[{\"id\":\"" + id + "\",\"model\":{\"id\":\"" + modelId + "\"}}]}")
                .post(RUNNERS)
                .then()
                .statusCode(200);
        return id;
    }

    private static String workflowOf(String id, String remoteModel) {
        return """
                {"workflows":[{"id":"%s","nodes":[
                  {"id":"classify","model":{"id":"colour-classifier"}},
                  {"id":"remote","model":{"id":"%s"}}]}]}""".formatted(id, remoteModel);
    }

    @Test
    void aRunnersModelIsDispatchedAndTheRunnersOutputsComeBack() throws Exception {
        String model = "remote-colour-" + UUID.randomUUID().toString().substring(0, 6);
        String runner = runnerFor(model);
        create(workflowOf("through-runner", model));

        CompletableFuture<JsonPath> caller = CompletableFuture.supplyAsync(
                () -> run("/v2/workflows/through-runner/results", inputs(image("r", RED), image("g", GREEN)), 200));
        JsonPath item = pollItem(runner);

        String request = "runnerItems[0].postModelOutputsRequest";
        assertEquals(model, item.getString(request + ".modelId"));
        assertEquals(List.of("r", "g"), item.getList(request + ".inputs.id"));
        assertFalse(item.getString(request + ".inputs[0].data.image.base64").isEmpty(), "the bytes go to the runner");
        String itemId = item.getString("runnerItems[0].id");
        // This runner answers in its own order, naming each output's input: the outputs go to the inputs named.
        asAdmin()
                .body("""
                {"runnerItemOutputs":[{"multiOutputResponse":{"status":{"code":"SUCCESS"},"outputs":[
                  {"status":{"code":"SUCCESS"},"input":{"id":"g"},"data":{"concepts":[{"id":"emerald","value":0.8}]}},
                  {"status":{"code":"SUCCESS"},"input":{"id":"r"},"data":{"concepts":[{"id":"crimson","value":0.9}]}}
                ]}}]}""")
                .post(RUNNERS + "/" + runner + "/items/" + itemId + "/outputs")
                .then()
                .statusCode(200);

        JsonPath answer = caller.get(20, TimeUnit.SECONDS);
        assertEquals("SUCCESS", answer.getString("status.code"));
        assertEquals(List.of("colour-classifier", model), answer.getList("results[0].outputs.model.id"));
        assertEquals("red", answer.getString("results[0].outputs[0].data.concepts[0].id"));
        assertEquals("crimson", answer.getString("results[0].outputs[1].data.concepts[0].id"));
        assertEquals("emerald", answer.getString("results[1].outputs[1].data.concepts[0].id"));
        assertEquals("g", answer.getString("results[1].outputs[1].input.id"));
    }

    @Test
    void independentNodesAreDispatchedAtOnceAndAChildWaitsForItsParentsOutputs() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String first = "remote-first-" + tag;
        String second = "remote-second-" + tag;
        String child = "remote-child-" + tag;
        String runner = "wf-runner-" + tag;
        asAdmin()
                .body("""
                {"runners":[{"id":"%s","metadata":{"models":["%s","%s","%s"],"capacity":4}}]}""".formatted(runner, first, second, child))
                .post(RUNNERS)
                .then()
                .statusCode(200);
        create("""
                {"workflows":[{"id":"fan-out","nodes":[
                  {"id":"first","model":{"id":"%s"}},
                  {"id":"second","model":{"id":"%s"}},
                  {"id":"child","model":{"id":"%s"},"nodeInputs":[{"nodeId":"first"}]}]}]}""".formatted(first, second, child));

        CompletableFuture<JsonPath> caller =
                CompletableFuture.supplyAsync(() -> run("/v2/workflows/fan-out/results", inputs(image("r", RED)), 200));
        // Both roots' items are queued while neither has an answer: the two nodes run side by side.
        java.util.Map<String, String> items = new java.util.HashMap<>();
        while (items.size() < 2) {
            JsonPath polled = pollItem(runner);
            for (int i = 0; i < polled.getList("runnerItems").size(); i++) {
                String item = "runnerItems[" + i + "]";
                items.put(polled.getString(item + ".postModelOutputsRequest.modelId"), polled.getString(item + ".id"));
            }
        }
        assertEquals(java.util.Set.of(first, second), items.keySet(), "the child waits for its parent");
        answer(runner, items.get(second), "second-concept");
        answer(runner, items.get(first), "first-concept");

        JsonPath childItem = pollItem(runner);
        String request = "runnerItems[0].postModelOutputsRequest";
        assertEquals(child, childItem.getString(request + ".modelId"));
        // The child's input is the request's input with its parent's output data added.
        assertEquals("first-concept", childItem.getString(request + ".inputs[0].data.concepts[0].id"));
        assertFalse(
                childItem.getString(request + ".inputs[0].data.image.base64").isEmpty());
        answer(runner, childItem.getString("runnerItems[0].id"), "child-concept");

        JsonPath answer = caller.get(20, TimeUnit.SECONDS);
        assertEquals("SUCCESS", answer.getString("status.code"));
        assertEquals(List.of(first, second, child), answer.getList("results[0].outputs.model.id"));
        assertEquals(
                List.of("first-concept", "second-concept", "child-concept"),
                IntStream.range(0, 3)
                        .mapToObj(i -> answer.getString("results[0].outputs[" + i + "].data.concepts[0].id"))
                        .toList());
    }

    private static void answer(String runner, String itemId, String concept) {
        asAdmin()
                .body("""
                {"runnerItemOutputs":[{"multiOutputResponse":{"status":{"code":"SUCCESS"},"outputs":[
                  {"status":{"code":"SUCCESS"},"data":{"concepts":[{"id":"%s","value":0.7}]}}]}}]}""".formatted(concept))
                .post(RUNNERS + "/" + runner + "/items/" + itemId + "/outputs")
                .then()
                .statusCode(200);
    }

    @Test
    void withNoRunnerPollingTheCallerGetsTheNodesErrorWithinTheNodeTimeout() {
        String model = "remote-idle-" + UUID.randomUUID().toString().substring(0, 6);
        runnerFor(model); // registered, but it never polls
        create(workflowOf("idle-runner", model));

        long started = System.nanoTime();
        JsonPath answer = run("/v2/workflows/idle-runner/results", inputs(image("r", RED)), 200);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertEquals("MIXED_STATUS", answer.getString("results[0].status.code"));
        assertEquals("SUCCESS", answer.getString("results[0].outputs[0].status.code"));
        assertEquals("RPC_REQUEST_TIMEOUT", answer.getString("results[0].outputs[1].status.code"));
        assertTrue(
                answer.getString("results[0].outputs[1].status.details").contains("no runner took the item"),
                answer.getString("results[0].outputs[1].status.details"));
        assertTrue(waitedMs >= 2_900, "waited the node timeout: " + waitedMs + " ms");
        assertTrue(waitedMs < 10_000, "answered soon after the 3 s node timeout: " + waitedMs + " ms");
    }

    @Test
    void aCallerThatHangsUpCancelsItsRunnerItems() throws Exception {
        String model = "remote-hang-up-" + UUID.randomUUID().toString().substring(0, 6);
        runnerFor(model); // registered, but it never polls: the item waits
        create("""
                {"workflows":[{"id":"hang-up","nodes":[{"id":"remote","model":{"id":"%s"}}]}]}""".formatted(model));
        StoredItems stored = new StoredItems(db);
        byte[] body = inputs(image("r", RED)).getBytes(StandardCharsets.UTF_8);

        try (Socket client = new Socket("127.0.0.1", RestAssured.port)) {
            OutputStream out = client.getOutputStream();
            out.write(("POST /v2/workflows/hang-up/results HTTP/1.1\r\nHost: localhost\r\nAuthorization: Key "
                            + TestNode.ADMIN_KEY + "\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            awaitTrue(() -> stored.idOf(model) != null, "the node's item is queued");
        } // the client hangs up before its answer

        String item = stored.idOf(model);
        // Cancelled for the hang-up, well before the 3 s node timeout would have ended it.
        awaitTrue(() -> "CANCELLED".equals(stored.state(item)), "the item is cancelled");
        assertEquals(StatusCode.RPC_CANCELED, stored.response(item).getStatus().getCode());
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        Waits.until(condition, java.time.Duration.ofMillis(2_500), what);
    }

    @Test
    void aModelNoRunnerServesAnyMoreAnswersModelNotDeployedAtOnce() {
        String model = "remote-gone-" + UUID.randomUUID().toString().substring(0, 6);
        String runner = runnerFor(model);
        create("""
                {"workflows":[{"id":"runner-gone","nodes":[{"id":"remote","model":{"id":"%s"}}]}]}""".formatted(model));
        asAdmin().body("{\"ids\":[\"" + runner + "\"]}").delete(RUNNERS).then().statusCode(200);

        asAdmin()
                .body(inputs(image("r", RED)))
                .post("/v2/workflows/runner-gone/results")
                .then()
                .statusCode(503)
                .body("status.code", org.hamcrest.Matchers.equalTo("MODEL_NOT_DEPLOYED"))
                .body("results[0].outputs[0].status.code", org.hamcrest.Matchers.equalTo("MODEL_NOT_DEPLOYED"))
                .body(
                        "results[0].outputs[0].status.details",
                        org.hamcrest.Matchers.containsString("no registered runner"));
    }
}
