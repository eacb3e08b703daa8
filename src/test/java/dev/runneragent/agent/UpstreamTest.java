package dev.runneragent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.MultiRunnerItemOutputResponse;
import com.clarifai.grpc.api.MultiRunnerItemResponse;
import com.clarifai.grpc.api.MultiRunnerResponse;
import com.clarifai.grpc.api.PostRunnerItemOutputsRequest;
import com.clarifai.grpc.api.PostRunnersRequest;
import com.clarifai.grpc.api.Runner;
import com.clarifai.grpc.api.RunnerItem;
import com.clarifai.grpc.api.RunnerItemOutput;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.agent.FakeUpstream.Answer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's upstream client against a scripted upstream: its requests, retries, refusals and circuit breaker. */
@QuarkusTest
@TestProfile(FakeUpstream.Profile.class)
class UpstreamTest {

    private static final String RUNNERS = "/v2/users/" + FakeUpstream.USER + "/runners";

    @Inject
    Upstream upstream;

    @BeforeEach
    void forgetEarlierTests() {
        FakeUpstream.reset();
    }

    @Test
    void deregisteringSendsTheIdsInTheBodyOfADelete() {
        FakeUpstream.script(RUNNERS, new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"}}"));

        assertEquals(
                StatusCode.SUCCESS,
                upstream.deleteRunners(List.of("node-1")).getStatus().getCode());

        FakeUpstream.Received sent = FakeUpstream.received(RUNNERS).get(0);
        assertEquals("DELETE", sent.method());
        assertEquals("{\"ids\":[\"node-1\"]}", sent.body());
    }

    @Test
    void busyAndFailingAnswersAreRetriedUntilOneSucceeds() {
        FakeUpstream.script(
                RUNNERS,
                new Answer(503, "{\"status\":{\"code\":\"RPC_SERVER_UNAVAILABLE\"}}"),
                new Answer(429, "{\"status\":{\"code\":\"CONN_THROTTLED\"}}"),
                new Answer(502, "<html>bad gateway</html>"),
                new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"},\"runners\":[{\"id\":\"node-1\"}]}"));

        MultiRunnerResponse registered = upstream.postRunners(PostRunnersRequest.newBuilder()
                .addRunners(Runner.newBuilder().setId("node-1").setDescription("a node"))
                .build());

        assertEquals(StatusCode.SUCCESS, registered.getStatus().getCode());
        assertEquals("node-1", registered.getRunners(0).getId());
        List<FakeUpstream.Received> sent = FakeUpstream.received(RUNNERS);
        assertEquals(4, sent.size(), "three failures, then the success");
        for (FakeUpstream.Received request : sent) {
            assertEquals("POST", request.method());
            assertEquals("Key " + FakeUpstream.KEY, request.authorization());
            assertTrue(request.body().contains("\"id\":\"node-1\""), request.body());
        }
    }

    @Test
    void refusalsAreNotRetriedAndCarryTheUpstreamsStatus() {
        String items = RUNNERS + "/refused-runner/items";
        FakeUpstream.script(
                items, new Answer(401, "{\"status\":{\"code\":\"CONN_KEY_INVALID\",\"details\":\"key revoked\"}}"));

        UpstreamException.Refused refused =
                assertThrows(UpstreamException.Refused.class, () -> upstream.listRunnerItems("refused-runner"));

        assertTrue(refused.unauthorized());
        assertEquals(StatusCode.CONN_KEY_INVALID, refused.code());
        assertTrue(refused.getMessage().contains("key revoked"), refused.getMessage());
        assertEquals(1, FakeUpstream.received(items).size(), "a refused key is not tried again");

        String outputs = RUNNERS + "/refused-runner/items/item-1/outputs";
        FakeUpstream.script(outputs, new Answer(501, "{\"status\":{\"code\":\"NOT_IMPLEMENTED\"}}"));
        UpstreamException.Refused unsupported = assertThrows(
                UpstreamException.Refused.class,
                () -> upstream.postRunnerItemOutputs(
                        "refused-runner", "item-1", PostRunnerItemOutputsRequest.getDefaultInstance()));
        assertFalse(unsupported.unauthorized());
        assertEquals(1, FakeUpstream.received(outputs).size());
    }

    @Test
    void anEmptyLongPollAndAResultAreAnsweredAsTheyCame() {
        String items = RUNNERS + "/polling-runner/items";
        FakeUpstream.script(
                items, new Answer(200, "{\"status\":{\"code\":\"RUNNER_NEEDS_RETRY\"},\"runnerItems\":[]}"));
        MultiRunnerItemResponse empty = upstream.listRunnerItems("polling-runner");
        assertEquals(StatusCode.RUNNER_NEEDS_RETRY, empty.getStatus().getCode());
        assertEquals(0, empty.getRunnerItemsCount());

        String outputs = RUNNERS + "/polling-runner/items/item-7/outputs";
        FakeUpstream.script(outputs, new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"}}"));
        upstream.postRunnerItemOutputs(
                "polling-runner",
                "item-7",
                PostRunnerItemOutputsRequest.newBuilder()
                        .addRunnerItemOutputs(RunnerItemOutput.newBuilder()
                                .setMultiOutputResponse(MultiOutputResponse.newBuilder()
                                        .setStatus(com.clarifai.grpc.api.status.Status.newBuilder()
                                                .setCode(StatusCode.SUCCESS))))
                        .build());
        String body = FakeUpstream.received(outputs).get(0).body();
        assertTrue(
                body.contains("\"runnerItemOutputs\":[{\"multiOutputResponse\":{\"status\":{\"code\":\"SUCCESS\""),
                body);
    }

    @Test
    void theAgentAsksForProtobufAndPostsInItOnlyToAnUpstreamThatAnswersInIt() throws Exception {
        // An upstream that answers JSON (Clarifai's API): asked for protobuf first, it is still posted JSON.
        String items = RUNNERS + "/json-runner/items";
        FakeUpstream.script(items, new Answer(200, "{\"status\":{\"code\":\"RUNNER_NEEDS_RETRY\"}}"));
        assertEquals(
                StatusCode.RUNNER_NEEDS_RETRY,
                upstream.listRunnerItems("json-runner").getStatus().getCode());
        assertEquals(
                "application/x-protobuf, application/json;q=0.5",
                FakeUpstream.received(items).get(0).accept());
        String jsonOutputs = RUNNERS + "/json-runner/items/item-1/outputs";
        FakeUpstream.script(jsonOutputs, new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"}}"));
        upstream.postRunnerItemOutputs("json-runner", "item-1", result("first"));
        FakeUpstream.Received json = FakeUpstream.received(jsonOutputs).get(0);
        assertTrue(json.contentType().startsWith("application/json"), json.contentType());
        assertTrue(json.body().contains("\"id\":\"first\""), json.body());

        // An upstream that answers a poll in protobuf (a hub of this project) gets the results in protobuf.
        String binaryItems = RUNNERS + "/binary-runner/items";
        FakeUpstream.script(
                binaryItems,
                Answer.protobuf(
                        200,
                        MultiRunnerItemResponse.newBuilder()
                                .setStatus(status(StatusCode.SUCCESS, ""))
                                .addRunnerItems(RunnerItem.newBuilder().setId("item-2"))
                                .build()));
        assertEquals(
                "item-2",
                upstream.listRunnerItems("binary-runner").getRunnerItems(0).getId());
        String binaryOutputs = RUNNERS + "/binary-runner/items/item-2/outputs";
        FakeUpstream.script(
                binaryOutputs,
                Answer.protobuf(
                        200,
                        MultiRunnerItemOutputResponse.newBuilder()
                                .setStatus(status(StatusCode.SUCCESS, ""))
                                .build()));
        MultiRunnerItemOutputResponse answer =
                upstream.postRunnerItemOutputs("binary-runner", "item-2", result("second"));
        assertEquals(StatusCode.SUCCESS, answer.getStatus().getCode());
        FakeUpstream.Received binary = FakeUpstream.received(binaryOutputs).get(0);
        assertEquals("application/x-protobuf", binary.contentType());
        assertEquals(result("second"), PostRunnerItemOutputsRequest.parseFrom(binary.bytes()));

        // A refusal in protobuf carries its Clarifai status like one in JSON.
        String refused = RUNNERS + "/binary-runner/items/item-3/outputs";
        FakeUpstream.script(
                refused,
                Answer.protobuf(
                        404,
                        MultiRunnerItemOutputResponse.newBuilder()
                                .setStatus(status(StatusCode.RUNNER_DOES_NOT_EXIST, "no item item-3"))
                                .build()));
        UpstreamException.Refused missing = assertThrows(
                UpstreamException.Refused.class,
                () -> upstream.postRunnerItemOutputs("binary-runner", "item-3", result("third")));
        assertEquals(StatusCode.RUNNER_DOES_NOT_EXIST, missing.status().getCode());
        assertEquals("no item item-3", missing.status().getDetails());

        // Behind the same URL, an upstream that no longer reads protobuf: the result is sent again as JSON at once.
        String older = RUNNERS + "/binary-runner/items/item-4/outputs";
        FakeUpstream.script(
                older,
                new Answer(400, "{\"status\":{\"code\":\"CONN_BAD_REQUEST_FORMAT\"}}"),
                new Answer(200, "{\"status\":{\"code\":\"SUCCESS\"}}"));
        assertEquals(
                StatusCode.SUCCESS,
                upstream.postRunnerItemOutputs("binary-runner", "item-4", result("fourth"))
                        .getStatus()
                        .getCode());
        List<FakeUpstream.Received> tries = FakeUpstream.received(older);
        assertEquals(
                List.of("application/x-protobuf", "application/json"),
                tries.stream().map(FakeUpstream.Received::contentType).toList());
        assertTrue(
                tries.get(1).body().contains("\"id\":\"fourth\""), tries.get(1).body());
    }

    private static com.clarifai.grpc.api.status.Status status(StatusCode code, String details) {
        return com.clarifai.grpc.api.status.Status.newBuilder()
                .setCode(code)
                .setDetails(details)
                .build();
    }

    private static PostRunnerItemOutputsRequest result(String concept) {
        return PostRunnerItemOutputsRequest.newBuilder()
                .addRunnerItemOutputs(RunnerItemOutput.newBuilder()
                        .setMultiOutputResponse(MultiOutputResponse.newBuilder()
                                .addOutputs(com.clarifai.grpc.api.Output.newBuilder()
                                        .setData(com.clarifai.grpc.api.Data.newBuilder()
                                                .addConcepts(com.clarifai.grpc.api.Concept.newBuilder()
                                                        .setId(concept))))))
                .build();
    }

    @Test
    void aPollThatOutlastsItsTimeoutIsAbandonedAndTriedAgain() {
        // The profile sets listRunnerItems' timeout to 1 s; the first answer would take 4 s.
        String items = RUNNERS + "/slow-runner/items";
        FakeUpstream.script(
                items,
                new Answer(200, "{\"status\":{\"code\":\"RUNNER_NEEDS_RETRY\"}}", 4_000),
                new Answer(200, "{\"status\":{\"code\":\"RUNNER_NEEDS_RETRY\",\"details\":\"second\"}}"));
        long started = System.nanoTime();
        MultiRunnerItemResponse answer = upstream.listRunnerItems("slow-runner");
        long millis = java.time.Duration.ofNanos(System.nanoTime() - started).toMillis();

        assertEquals("second", answer.getStatus().getDetails(), "the answer of the second try");
        assertEquals(2, FakeUpstream.received(items).size());
        assertTrue(millis >= 1_000 && millis < 3_000, "abandoned at the timeout, not at the slow answer: " + millis);
    }

    @Test
    void anUpstreamThatKeepsFailingOpensTheCircuitAndIsLeftAloneForAWhile() {
        String runner = RUNNERS + "/failing-runner";
        FakeUpstream.script(runner, new Answer(500, "{\"status\":{\"code\":\"INTERNAL_SERVER_ISSUE\"}}"));

        // Each call tries five times; eight failures in a row open the circuit during the second call.
        assertThrows(UpstreamException.Retryable.class, () -> upstream.getRunner("failing-runner"));
        assertThrows(CircuitBreakerOpenException.class, () -> upstream.getRunner("failing-runner"));
        int tried = FakeUpstream.received(runner).size();
        assertEquals(8, tried);

        assertThrows(CircuitBreakerOpenException.class, () -> upstream.getRunner("failing-runner"));
        assertEquals(tried, FakeUpstream.received(runner).size(), "an open circuit sends nothing");
    }
}
