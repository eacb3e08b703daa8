package dev.runneragent.runner;

import static dev.runneragent.testing.Api.asAdmin;
import static dev.runneragent.testing.Api.withKey;
import static dev.runneragent.testing.RunnerPolls.pollItem;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.Concept;
import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.MultiRunnerItemOutputResponse;
import com.clarifai.grpc.api.MultiRunnerItemResponse;
import com.clarifai.grpc.api.Output;
import com.clarifai.grpc.api.PostRunnerItemOutputsRequest;
import com.clarifai.grpc.api.PostRunnersRequest;
import com.clarifai.grpc.api.Runner;
import com.clarifai.grpc.api.RunnerItem;
import com.clarifai.grpc.api.RunnerItemOutput;
import com.clarifai.grpc.api.status.BaseResponse;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.api.MessageBodyWriter;
import dev.runneragent.store.Db;
import dev.runneragent.testing.TestNode;
import dev.runneragent.testing.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostRunners, GetRunner, ListRunners, DeleteRunners, ListRunnerItems and PostRunnerItemOutputs over HTTP, with
 * PostModelOutputs as the caller whose prediction becomes a runner item; each error answered precisely.
 */
@QuarkusTest
class RunnerResourceTest {

    private static final String RUNNERS = "/v2/users/me/runners";

    /** The Accept header of an agent of this project. */
    private static final String PROTOBUF_FIRST = MessageBodyWriter.PROTOBUF + ", application/json;q=0.5";

    @Inject
    Db db;

    private StoredItems stored;

    @BeforeEach
    void readStore() {
        stored = new StoredItems(db);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Registers a runner bound to {@code modelId}; answers its id. */
    static String runnerFor(String modelId, String extra) {
        String id = unique("runner");
        asAdmin().body("""
                        {"runners":[{"id":"%s","model":{"id":"%s"}%s}]}""".formatted(id, modelId, extra)).post(RUNNERS).then().statusCode(200);
        return id;
    }

    /** Calls PostModelOutputs for {@code modelId} with {@code texts}, on another thread: it answers when a runner did. */
    static CompletableFuture<Response> predict(String modelId, String... texts) {
        StringBuilder inputs = new StringBuilder();
        for (String text : texts) {
            inputs.append(inputs.isEmpty() ? "" : ",")
                    .append("{\"id\":\"")
                    .append(text)
                    .append("\",\"data\":{\"text\":{\"raw\":\"")
                    .append(text)
                    .append("\"}}}");
        }
        String body = "{\"inputs\":[" + inputs + "]}";
        return CompletableFuture.supplyAsync(() -> asAdmin().body(body).post("/v2/models/" + modelId + "/outputs"));
    }

    static String outputs(String... concepts) {
        StringBuilder outputs = new StringBuilder();
        for (String concept : concepts) {
            outputs.append(outputs.isEmpty() ? "" : ",")
                    .append("{\"status\":{\"code\":\"SUCCESS\"},\"data\":{\"concepts\":[{\"id\":\"")
                    .append(concept)
                    .append("\",\"value\":0.9}]}}");
        }
        return "{\"runnerItemOutputs\":[{\"multiOutputResponse\":{\"status\":{\"code\":\"SUCCESS\"},\"outputs\":["
                + outputs + "]}}]}";
    }

    private static String itemPath(String runnerId, String itemId) {
        return RUNNERS + "/" + runnerId + "/items/" + itemId + "/outputs";
    }

    @Test
    void postRunnersStoresTheRunnerAndGetRunnerShowsIt() {
        asAdmin()
                .body("""
                        {"runners":[{"id":"gpu-runner-1","description":"first","labels":["a"],
                          "metadata":{"capacity":4,"owner":"ops"},"model":{"id":"m1","modelVersion":{"id":"v1"}},
                          "nodepool":{"id":"pool-a"},
                          "computeInfo":{"numCpus":4,"cpuMemory":"8Gi","numAccelerators":1,
                            "acceleratorMemory":"24Gi","acceleratorType":["NVIDIA-A10G"]}}]}""")
                .post(RUNNERS)
                .then()
                .statusCode(200)
                .body("status.code", equalTo("SUCCESS"))
                .body("runners[0].id", equalTo("gpu-runner-1"))
                .body("runners[0].userId", equalTo("admin"))
                .body("runners[0].createdAt", notNullValue());
        asAdmin()
                .get(RUNNERS + "/gpu-runner-1")
                .then()
                .statusCode(200)
                .body("runner.description", equalTo("first"))
                .body("runner.labels", equalTo(java.util.List.of("a")))
                .body("runner.metadata.owner", equalTo("ops"))
                .body("runner.model.id", equalTo("m1"))
                .body("runner.model.modelVersion.id", equalTo("v1"))
                .body("runner.nodepool.id", equalTo("pool-a"))
                .body("runner.computeInfo.acceleratorType[0]", equalTo("NVIDIA-A10G"))
                .body("runner.metadata.last_seen_at", nullValue());
        asAdmin().get(RUNNERS).then().statusCode(200).body("runners.id", hasItem("gpu-runner-1"));
    }

    @Test
    void aRunnerWithoutIdGetsAUuid() {
        asAdmin()
                .body("{\"runners\":[{\"description\":\"anonymous\",\"model\":{\"id\":\"m2\"}}]}")
                .post(RUNNERS)
                .then()
                .statusCode(200)
                .body("runners[0].id", matchesPattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    }

    @Test
    void workerModelAndCpuLimitOfTheLaterApiAreStoredInThe103Form() {
        String id = unique("worker");
        asAdmin()
                .body("""
                        {"runners":[{"id":"%s","worker":{"model":{"id":"m3","modelVersion":{"id":"v9"}}},
                          "computeInfo":{"cpuLimit":"500m","cpuMemory":"1Gi"}}]}""".formatted(id))
                .post(RUNNERS)
                .then()
                .statusCode(200)
                .body("runners[0].model.id", equalTo("m3"))
                .body("runners[0].worker", nullValue());
        RunnerStore.StoredRunner stored = io.quarkus.arc.Arc.container()
                .instance(RunnerStore.class)
                .get()
                .find("admin", id)
                .orElseThrow();
        assertEquals("m3", stored.profile().modelId());
        assertEquals("v9", stored.profile().modelVersionId());
        assertEquals(500, stored.profile().resources().cpuMillis(), "cpuLimit 500m is half a CPU");
        assertEquals(1L << 30, stored.profile().resources().cpuMemory());
    }

    @Test
    void workerWorkflowBindsTheRunnerToAWorkflow() {
        asAdmin()
                .body("{\"runners\":[{\"worker\":{\"workflow\":{\"id\":\"wf-1\"}}}]}")
                .post(RUNNERS)
                .then()
                .statusCode(200)
                .body("runners[0].workflow.id", equalTo("wf-1"));
    }

    @Test
    void aDuplicateIdIsRefusedNamingIt() {
        String id = runnerFor("m4", "");
        asAdmin()
                .body("{\"runners\":[{\"id\":\"" + id + "\",\"model\":{\"id\":\"m4\"}}]}")
                .post(RUNNERS)
                .then()
                .statusCode(409)
                .body("status.code", equalTo("DATABASE_DUPLICATE_KEY"))
                .body("status.details", containsString(id));
        String twice = unique("twice");
        asAdmin()
                .body("{\"runners\":[{\"id\":\"" + twice + "\"},{\"id\":\"" + twice + "\"}]}")
                .post(RUNNERS)
                .then()
                .statusCode(409)
                .body("status.details", containsString(twice));
        asAdmin().get(RUNNERS + "/" + twice).then().statusCode(404);
    }

    @Test
    void badRunnersAreRefusedNamingTheField() {
        String[][] cases = {
            {"{\"runners\":[]}", "at least one"},
            {"{\"runners\":[{\"id\":\"bad id\"}]}", "runners[0].id"},
            {"{\"runners\":[{\"metadata\":{\"capacity\":0}}]}", "runners[0].metadata.capacity"},
            {"{\"runners\":[{\"metadata\":{\"capacity\":2.5}}]}", "runners[0].metadata.capacity"},
            {"{\"runners\":[{\"metadata\":{\"models\":\"m1\"}}]}", "runners[0].metadata.models"},
            {"{\"runners\":[{\"computeInfo\":{\"cpuMemory\":\"lots\"}}]}", "computeInfo.cpuMemory"},
            {"{\"runners\":[{\"computeInfo\":{\"cpuLimit\":\"-1\"}}]}", "computeInfo.cpuLimit"},
            {"{\"runners\":[{\"computeInfo\":{\"acceleratorType\":[\"L4\"]}}]}", "numAccelerators"},
            {"{\"runners\":[{\"model\":{\"id\":\"m\"},\"worker\":{\"model\":{\"id\":\"m\"}}}]}", "twice"},
            {"{\"runners\":[{\"worker\":{\"model\":{\"id\":\"\"}}}]}", "worker.model.id"},
        };
        for (String[] bad : cases) {
            asAdmin()
                    .body(bad[0])
                    .post(RUNNERS)
                    .then()
                    .statusCode(400)
                    .body("status.code", equalTo("RUNNER_INVALID_ARGUMENT"))
                    .body("status.details", containsString(bad[1]));
        }
    }

    @Test
    void unknownRunnerAndAnotherUsersRunnerGetTheSameAnswer() {
        String mine = runnerFor("m5", "");
        String other = Users.tokenFor(unique("other"));
        for (String path : new String[] {"", "/items", "/items/some-item/outputs"}) {
            boolean post = path.endsWith("outputs");
            Response unknown = post
                    ? asAdmin().body(outputs("x")).post(RUNNERS + "/no-such-runner" + path)
                    : asAdmin().get(RUNNERS + "/no-such-runner" + path);
            Response foreign = post
                    ? withKey(other).body(outputs("x")).post(RUNNERS + "/" + mine + path)
                    : withKey(other).get(RUNNERS + "/" + mine + path);
            for (Response answer : new Response[] {unknown, foreign}) {
                answer.then()
                        .statusCode(404)
                        .body("status.code", equalTo("RUNNER_DOES_NOT_EXIST"))
                        .body("status.details", containsString("does not exist"));
            }
            assertEquals(
                    unknown.path("status.details").toString().replace("no-such-runner", mine),
                    foreign.path("status.details"),
                    "nothing tells another user's runner from a missing one");
        }
    }

    @Test
    void aPollWithoutWorkAnswersNeedsRetryAndRecordsLastSeen() {
        String runner = runnerFor(unique("idle-model"), "");
        Instant before = Instant.now();
        asAdmin()
                .get(RUNNERS + "/" + runner + "/items")
                .then()
                .statusCode(200)
                .body("status.code", equalTo("RUNNER_NEEDS_RETRY"))
                .body("status.details", containsString("poll again"))
                .body("runnerItems", empty());
        String seen = asAdmin().get(RUNNERS + "/" + runner).path("runner.metadata.last_seen_at");
        assertFalse(Instant.parse(seen).isBefore(before.minusSeconds(1)), seen);
    }

    @Test
    void aPredictionGoesToTheRunnerAndItsOutputsToTheCaller() throws Exception {
        String model = unique("remote");
        String runner = runnerFor(model, "");
        CompletableFuture<Response> caller = predict(model, "hello", "world");
        JsonPath items = pollItem(runner);
        assertEquals(1, items.getList("runnerItems").size());
        assertEquals("UNARY_UNARY", items.getString("runnerItems[0].processingInfo.runnerMethodType"));
        assertEquals("attempt 1 of 3", items.getString("runnerItems[0].description"));
        assertEquals(model, items.getString("runnerItems[0].postModelOutputsRequest.modelId"));
        assertEquals("world", items.getString("runnerItems[0].postModelOutputsRequest.inputs[1].data.text.raw"));
        String item = items.getString("runnerItems[0].id");

        asAdmin()
                .body(outputs("greeting", "planet"))
                .post(itemPath(runner, item))
                .then()
                .statusCode(200)
                .body("status.code", equalTo("SUCCESS"));

        caller.get(10, TimeUnit.SECONDS)
                .then()
                .statusCode(200)
                .body("status.code", equalTo("SUCCESS"))
                .body("outputs", hasSize(2))
                .body("outputs[1].data.concepts[0].id", equalTo("planet"));
    }

    @Test
    void aRunnerThatAsksForProtobufPollsAndPostsInItAndTheCallerStillGetsJson() throws Exception {
        String model = unique("binary");
        String runner = runnerFor(model, "");
        CompletableFuture<Response> caller = predict(model, "hello", "world");
        MultiRunnerItemResponse polled = null;
        for (int i = 0; i < 10 && (polled == null || polled.getRunnerItemsCount() == 0); i++) {
            Response poll = asAdmin().accept(PROTOBUF_FIRST).get(RUNNERS + "/" + runner + "/items");
            poll.then().statusCode(200).contentType(MessageBodyWriter.PROTOBUF);
            polled = MultiRunnerItemResponse.parseFrom(poll.asByteArray());
        }
        assertEquals(1, polled.getRunnerItemsCount());
        RunnerItem item = polled.getRunnerItems(0);
        assertEquals(model, item.getPostModelOutputsRequest().getModelId());
        assertEquals(
                "world",
                item.getPostModelOutputsRequest()
                        .getInputs(1)
                        .getData()
                        .getText()
                        .getRaw());

        MultiOutputResponse.Builder outputs = MultiOutputResponse.newBuilder().setStatus(success());
        for (String concept : List.of("greeting", "planet")) {
            outputs.addOutputs(Output.newBuilder()
                    .setStatus(success())
                    .setData(Data.newBuilder()
                            .addConcepts(Concept.newBuilder().setId(concept).setValue(0.9f))));
        }
        byte[] post = PostRunnerItemOutputsRequest.newBuilder()
                .addRunnerItemOutputs(RunnerItemOutput.newBuilder().setMultiOutputResponse(outputs))
                .build()
                .toByteArray();
        Response posted = asAdmin()
                .contentType(MessageBodyWriter.PROTOBUF)
                .accept(PROTOBUF_FIRST)
                .body(post)
                .post(itemPath(runner, item.getId()));
        posted.then().statusCode(200).contentType(MessageBodyWriter.PROTOBUF);
        assertEquals(
                StatusCode.SUCCESS,
                MultiRunnerItemOutputResponse.parseFrom(posted.asByteArray())
                        .getStatus()
                        .getCode());

        caller.get(10, TimeUnit.SECONDS)
                .then()
                .statusCode(200)
                .contentType(containsString("application/json"))
                .body("outputs[1].data.concepts[0].id", equalTo("planet"));
        assertEquals("DONE", stored.state(item.getId()));
    }

    @Test
    void aProtobufBodyThatDoesNotParseOrAnEndpointThatTakesOnlyJsonIsRefusedNamingWhy() throws Exception {
        String model = unique("garbled");
        String runner = runnerFor(model, "");
        CompletableFuture<Response> caller = predict(model, "x");
        String item = pollItem(runner).getString("runnerItems[0].id");
        asAdmin()
                .contentType(MessageBodyWriter.PROTOBUF)
                .body(new byte[] {(byte) 0x0a, (byte) 0xff, 0x01})
                .post(itemPath(runner, item))
                .then()
                .statusCode(400)
                .body("status.code", equalTo("CONN_BAD_REQUEST_FORMAT"))
                .body("status.details", containsString("application/x-protobuf PostRunnerItemOutputsRequest"));
        assertEquals("LEASED", stored.state(item), "the refusal changed nothing");

        // An error answer comes in the encoding asked for.
        Response missing = asAdmin()
                .contentType(MessageBodyWriter.PROTOBUF)
                .accept(PROTOBUF_FIRST)
                .body(PostRunnerItemOutputsRequest.newBuilder()
                        .addRunnerItemOutputs(RunnerItemOutput.newBuilder()
                                .setMultiOutputResponse(MultiOutputResponse.newBuilder()
                                        .setStatus(success())
                                        .addOutputs(Output.newBuilder().setStatus(success()))))
                        .build()
                        .toByteArray())
                .post(itemPath(runner, "no-such-item"));
        missing.then().statusCode(404).contentType(MessageBodyWriter.PROTOBUF);
        com.clarifai.grpc.api.status.Status status =
                BaseResponse.parseFrom(missing.asByteArray()).getStatus();
        assertEquals(StatusCode.RUNNER_DOES_NOT_EXIST, status.getCode());
        assertTrue(status.getDetails().contains("no-such-item"), status.getDetails());

        // PostRunners needs the JSON text: it tells absent fields from empty ones.
        asAdmin()
                .contentType(MessageBodyWriter.PROTOBUF)
                .body(PostRunnersRequest.newBuilder()
                        .addRunners(Runner.newBuilder().setId(unique("binary-runner")))
                        .build()
                        .toByteArray())
                .post(RUNNERS)
                .then()
                .statusCode(400)
                .body("status.code", equalTo("CONN_BAD_REQUEST_FORMAT"))
                .body("status.details", containsString("PostRunners takes its body as JSON only"));

        asAdmin().body(outputs("fine")).post(itemPath(runner, item)).then().statusCode(200);
        caller.get(10, TimeUnit.SECONDS).then().body("outputs[0].data.concepts[0].id", equalTo("fine"));
    }

    private static com.clarifai.grpc.api.status.Status success() {
        return com.clarifai.grpc.api.status.Status.newBuilder()
                .setCode(StatusCode.SUCCESS)
                .build();
    }

    @Test
    void badReportsAreRefusedAndChangeNothing() throws Exception {
        String model = unique("strict");
        String runner = runnerFor(model, "");
        CompletableFuture<Response> caller = predict(model, "one", "two");
        String item = pollItem(runner).getString("runnerItems[0].id");

        asAdmin()
                .body("{\"runnerItemOutputs\":[{}]}")
                .post(itemPath(runner, item))
                .then()
                .statusCode(400)
                .body("status.code", equalTo("RUNNER_INVALID_ARGUMENT"))
                .body("status.details", containsString("multiOutputResponse"));
        asAdmin()
                .body(outputs("only-one"))
                .post(itemPath(runner, item))
                .then()
                .statusCode(400)
                .body("status.code", equalTo("RUNNER_INVALID_ARGUMENT"))
                .body("status.details", containsString("1 output(s)"))
                .body("status.details", containsString("2 input(s)"));
        asAdmin()
                .body("{}")
                .post(itemPath(runner, item))
                .then()
                .statusCode(400)
                .body("status.details", containsString("runnerItemOutputs"));
        asAdmin()
                .body("{\"status\":{\"code\":\"FAILURE\"}}")
                .post(itemPath(runner, item))
                .then()
                .statusCode(400)
                .body("status.details", containsString("FAILURE"));
        asAdmin()
                .body(outputs("a", "b"))
                .post(itemPath(runner, "no-such-item"))
                .then()
                .statusCode(404)
                .body("status.code", equalTo("RUNNER_DOES_NOT_EXIST"))
                .body("status.details", containsString("no-such-item"));
        assertEquals("LEASED", stored.state(item), "the refusals changed nothing");
        assertFalse(caller.isDone());

        asAdmin().body(outputs("a", "b")).post(itemPath(runner, item)).then().statusCode(200);
        caller.get(10, TimeUnit.SECONDS).then().statusCode(200).body("outputs[0].data.concepts[0].id", equalTo("a"));
    }

    @Test
    void aRepeatedCompletionAnswersSuccessAndChangesNothing() throws Exception {
        String model = unique("repeat");
        String runner = runnerFor(model, "");
        CompletableFuture<Response> caller = predict(model, "x");
        String item = pollItem(runner).getString("runnerItems[0].id");
        asAdmin().body(outputs("first")).post(itemPath(runner, item)).then().statusCode(200);
        asAdmin()
                .body(outputs("second"))
                .post(itemPath(runner, item))
                .then()
                .statusCode(200)
                .body("status.code", equalTo("SUCCESS"))
                .body("runnerItemOutputs[0].multiOutputResponse.outputs[0].data.concepts[0].id", equalTo("first"));
        caller.get(10, TimeUnit.SECONDS).then().body("outputs[0].data.concepts[0].id", equalTo("first"));
        assertEquals("DONE", stored.state(item));
    }

    @Test
    void aRunnerThatDoesNotHoldTheItemIsToldItWasCancelled() throws Exception {
        String model = unique("held");
        String holder = runnerFor(model, "");
        String bystander = runnerFor(model, "");
        CompletableFuture<Response> caller = predict(model, "x");
        String item = pollItem(holder).getString("runnerItems[0].id");
        asAdmin()
                .body(outputs("stolen"))
                .post(itemPath(bystander, item))
                .then()
                .statusCode(409)
                .body("status.code", equalTo("RUNNER_ITEM_CANCELLED"))
                .body("status.details", containsString("no longer holds"));
        asAdmin().body(outputs("real")).post(itemPath(holder, item)).then().statusCode(200);
        caller.get(10, TimeUnit.SECONDS).then().body("outputs[0].data.concepts[0].id", equalTo("real"));
        asAdmin()
                .body(outputs("late"))
                .post(itemPath(bystander, item))
                .then()
                .statusCode(409)
                .body("status.details", containsString("completed by another runner"));
    }

    @Test
    void aProgressReportRenewsTheLease() throws Exception {
        String model = unique("progress");
        String runner = runnerFor(model, "");
        CompletableFuture<Response> caller = predict(model, "x");
        String item = pollItem(runner).getString("runnerItems[0].id");
        Instant leasedUntil = stored.leaseExpiry(item);
        Thread.sleep(20);
        asAdmin()
                .body("{\"status\":{\"code\":\"SUCCESS\",\"percentCompleted\":40,\"timeRemaining\":3}}")
                .post(itemPath(runner, item))
                .then()
                .statusCode(200)
                .body("status.details", containsString("renewed"));
        assertTrue(stored.leaseExpiry(item).isAfter(leasedUntil), "the lease was extended");
        asAdmin().body(outputs("done")).post(itemPath(runner, item)).then().statusCode(200);
        caller.get(10, TimeUnit.SECONDS).then().statusCode(200);
    }

    @Test
    void aHandBackReturnsTheItemUncharged() throws Exception {
        String model = unique("handback");
        String first = runnerFor(model, "");
        String second = runnerFor(model, "");
        CompletableFuture<Response> caller = predict(model, "x");
        String item = pollItem(first).getString("runnerItems[0].id");
        asAdmin()
                .body("{\"status\":{\"code\":\"RUNNER_NEEDS_RETRY\"}}")
                .post(itemPath(first, item))
                .then()
                .statusCode(200);
        JsonPath again = pollItem(second);
        assertEquals(item, again.getString("runnerItems[0].id"));
        assertEquals("attempt 1 of 3", again.getString("runnerItems[0].description"), "the hand-back is free");
        asAdmin().body(outputs("ok")).post(itemPath(second, item)).then().statusCode(200);
        caller.get(10, TimeUnit.SECONDS).then().statusCode(200);
    }

    @Test
    void deleteRunnersDeletesAllOrNothing() {
        String a = runnerFor("m6", "");
        String b = runnerFor("m6", "");
        asAdmin()
                .body("{\"ids\":[\"" + a + "\",\"missing-runner\"]}")
                .delete(RUNNERS)
                .then()
                .statusCode(404)
                .body("status.code", equalTo("RUNNER_DOES_NOT_EXIST"))
                .body("status.details", containsString("missing-runner"));
        asAdmin().get(RUNNERS + "/" + a).then().statusCode(200);
        asAdmin()
                .body("{\"ids\":[\"" + a + "\",\"" + b + "\"]}")
                .delete(RUNNERS)
                .then()
                .statusCode(200);
        asAdmin().get(RUNNERS + "/" + a).then().statusCode(404);
        asAdmin().get(RUNNERS).then().body("runners.id", not(hasItem(b)));
        asAdmin().body("{\"ids\":[]}").delete(RUNNERS).then().statusCode(400);
    }

    @Test
    void aPredictionForAModelNobodyServesIsModelDoesNotExist() {
        asAdmin()
                .body("{\"inputs\":[{\"data\":{\"text\":{\"raw\":\"x\"}}}]}")
                .post("/v2/models/" + unique("nobody") + "/outputs")
                .then()
                .statusCode(404)
                .body("status.code", equalTo("MODEL_DOES_NOT_EXIST"))
                .body("outputs", empty());
    }

    /** A request whose client gives up after 300 ms and closes its connection. */
    private static RequestSpecification impatient() {
        return RestAssured.given()
                .config(RestAssured.config()
                        .httpClient(HttpClientConfig.httpClientConfig().setParam("http.socket.timeout", 300)))
                .header("Authorization", "Key " + TestNode.ADMIN_KEY)
                .contentType("application/json");
    }

    @Test
    void aPredictionForAMissingRunnerOrWithABadIdIsRefusedAtOnce() {
        String model = unique("selected");
        runnerFor(model, "");
        asAdmin()
                .body("{\"runnerSelector\":{\"runner\":{\"id\":\"no-such-runner\"}},"
                        + "\"inputs\":[{\"data\":{\"text\":{\"raw\":\"x\"}}}]}")
                .post("/v2/models/" + model + "/outputs")
                .then()
                .statusCode(404)
                .body("status.code", equalTo("RUNNER_DOES_NOT_EXIST"))
                .body("status.details", containsString("no-such-runner"));
        asAdmin()
                .body("{\"inputs\":[{\"data\":{\"text\":{\"raw\":\"x\"}}}]}")
                .post("/v2/models/" + model + "/versions/" + "v".repeat(65) + "/outputs")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("MODEL_INVALID_ARGUMENT"))
                .body("status.details", containsString("versionId"));
        assertEquals(null, stored.idOf(model), "nothing was queued");
    }

    @Test
    void aCallerThatDisconnectsCancelsItsItem() throws Exception {
        String model = unique("impatient");
        String runner = runnerFor(model, "");
        try {
            impatient()
                    .body("{\"inputs\":[{\"data\":{\"text\":{\"raw\":\"x\"}}}]}")
                    .post("/v2/models/" + model + "/outputs");
        } catch (Exception timedOut) {
            // the client gave up and closed its connection
        }
        String item = stored.idOf(model);
        for (int i = 0; i < 50 && !"CANCELLED".equals(stored.state(item)); i++) {
            Thread.sleep(100);
        }
        assertEquals("CANCELLED", stored.state(item));
        asAdmin().get(RUNNERS + "/" + runner + "/items").then().body("runnerItems", empty());
    }

    @Test
    void aRunnerThatHangsUpStopsPollingAndLeasesNothing() throws Exception {
        String model = unique("hangs-up");
        String quitter = runnerFor(model, "");
        String stayer = runnerFor(model, "");
        try {
            impatient().get(RUNNERS + "/" + quitter + "/items");
        } catch (Exception timedOut) {
            // the runner gave up on its poll and closed its connection
        }
        Thread.sleep(300);
        CompletableFuture<Response> caller = predict(model, "x");
        JsonPath items = pollItem(stayer);
        assertEquals("attempt 1 of 3", items.getString("runnerItems[0].description"), "the quitter leased nothing");
        asAdmin()
                .body(outputs("stayed"))
                .post(itemPath(stayer, items.getString("runnerItems[0].id")))
                .then()
                .statusCode(200);
        caller.get(10, TimeUnit.SECONDS).then().body("outputs[0].data.concepts[0].id", equalTo("stayed"));
    }
}
