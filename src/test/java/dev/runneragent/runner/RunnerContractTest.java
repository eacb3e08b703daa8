package dev.runneragent.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.Concept;
import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.DeleteRunnersRequest;
import com.clarifai.grpc.api.GetRunnerRequest;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.ListRunnerItemsRequest;
import com.clarifai.grpc.api.ListRunnersRequest;
import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.MultiRunnerItemOutputResponse;
import com.clarifai.grpc.api.MultiRunnerItemResponse;
import com.clarifai.grpc.api.MultiRunnerResponse;
import com.clarifai.grpc.api.Output;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.PostRunnerItemOutputsRequest;
import com.clarifai.grpc.api.PostRunnersRequest;
import com.clarifai.grpc.api.Runner;
import com.clarifai.grpc.api.RunnerItem;
import com.clarifai.grpc.api.RunnerItemOutput;
import com.clarifai.grpc.api.SingleRunnerResponse;
import com.clarifai.grpc.api.Text;
import com.clarifai.grpc.api.UserAppIDSet;
import com.clarifai.grpc.api.status.BaseResponse;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.contract.ClarifaiClient;
import dev.runneragent.contract.ContractTest;
import dev.runneragent.testing.TestNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The runner protocol through Clarifai's own Java client: a runner registered with PostRunners polls with
 * ListRunnerItems, gets the item a PostModelOutputs call made, and posts its outputs with PostRunnerItemOutputs,
 * which answer that call; the errors reach the client as statuses it can read.
 */
@QuarkusTest
class RunnerContractTest extends ContractTest {

    /** The client picks a route from user_app_id and reads both ids (it fails on a missing app id). */
    private static final UserAppIDSet ME =
            UserAppIDSet.newBuilder().setUserId(TestNode.ADMIN).setAppId("main").build();

    /** The caller of PostModelOutputs uses a client of its own, so that its exchange is not the runner's. */
    @TestHTTPResource("/")
    URL node;

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Runner register(String modelId) {
        MultiRunnerResponse created = admin.postRunners(PostRunnersRequest.newBuilder()
                .setUserAppId(ME)
                .addRunners(Runner.newBuilder()
                        .setDescription("contract runner")
                        .setModel(Model.newBuilder().setId(modelId)))
                .build());
        assertEquals(
                StatusCode.SUCCESS,
                created.getStatus().getCode(),
                created.getStatus().getDetails());
        return created.getRunners(0);
    }

    @Test
    void aRunnerServesAPredictionThroughTheClient() throws Exception {
        String model = unique("contract-model");
        Runner runner = register(model);
        assertEquals("POST /v2/users/admin/runners 200", exchange());
        assertFalse(runner.getId().isEmpty(), "the hub generated an id");

        CompletableFuture<MultiOutputResponse> caller = CompletableFuture.supplyAsync(() -> ClarifaiClient.at(node)
                .asAdmin()
                .postModelOutputs(PostModelOutputsRequest.newBuilder()
                        .setModelId(model)
                        .addInputs(Input.newBuilder()
                                .setData(Data.newBuilder()
                                        .setText(Text.newBuilder().setRaw("hi"))))
                        .build()));

        RunnerItem item = null;
        for (int i = 0; i < 10 && item == null; i++) {
            MultiRunnerItemResponse polled = admin.listRunnerItems(ListRunnerItemsRequest.newBuilder()
                    .setUserAppId(ME)
                    .setRunnerId(runner.getId())
                    .build());
            if (polled.getRunnerItemsCount() > 0) {
                item = polled.getRunnerItems(0);
            } else {
                assertEquals(StatusCode.RUNNER_NEEDS_RETRY, polled.getStatus().getCode());
            }
        }
        assertTrue(item != null, "the runner got the item");
        assertEquals("GET /v2/users/admin/runners/" + runner.getId() + "/items 200", exchange());
        assertEquals(
                "hi",
                item.getPostModelOutputsRequest()
                        .getInputs(0)
                        .getData()
                        .getText()
                        .getRaw());

        MultiOutputResponse outputs = MultiOutputResponse.newBuilder()
                .setStatus(Status.newBuilder().setCode(StatusCode.SUCCESS))
                .addOutputs(Output.newBuilder()
                        .setStatus(Status.newBuilder().setCode(StatusCode.SUCCESS))
                        .setData(Data.newBuilder()
                                .addConcepts(
                                        Concept.newBuilder().setId("greeting").setValue(0.75f))))
                .build();
        MultiRunnerItemOutputResponse posted = admin.postRunnerItemOutputs(PostRunnerItemOutputsRequest.newBuilder()
                .setUserAppId(ME)
                .setRunnerId(runner.getId())
                .setRunnerItemId(item.getId())
                .addRunnerItemOutputs(RunnerItemOutput.newBuilder().setMultiOutputResponse(outputs))
                .build());
        assertEquals(
                StatusCode.SUCCESS,
                posted.getStatus().getCode(),
                posted.getStatus().getDetails());
        assertEquals(
                "POST /v2/users/admin/runners/" + runner.getId() + "/items/" + item.getId() + "/outputs 200",
                exchange());

        MultiOutputResponse answer = caller.get(10, TimeUnit.SECONDS);
        assertEquals(
                StatusCode.SUCCESS,
                answer.getStatus().getCode(),
                answer.getStatus().getDetails());
        assertEquals("greeting", answer.getOutputs(0).getData().getConcepts(0).getId());
        assertEquals(0.75f, answer.getOutputs(0).getData().getConcepts(0).getValue());

        MultiRunnerItemOutputResponse late = admin.postRunnerItemOutputs(PostRunnerItemOutputsRequest.newBuilder()
                .setUserAppId(ME)
                .setRunnerId(runner.getId())
                .setRunnerItemId("no-such-item")
                .addRunnerItemOutputs(RunnerItemOutput.newBuilder().setMultiOutputResponse(outputs))
                .build());
        assertEquals(StatusCode.RUNNER_DOES_NOT_EXIST, late.getStatus().getCode());
        assertEquals(404, clarifai.lastStatus());
    }

    @Test
    void getListAndDeleteRunners() {
        Runner runner = register(unique("contract-crud"));
        SingleRunnerResponse got = admin.getRunner(GetRunnerRequest.newBuilder()
                .setUserAppId(ME)
                .setRunnerId(runner.getId())
                .build());
        assertEquals(StatusCode.SUCCESS, got.getStatus().getCode());
        assertEquals(runner.getModel().getId(), got.getRunner().getModel().getId());
        assertEquals("GET /v2/users/admin/runners/" + runner.getId() + " 200", exchange());

        MultiRunnerResponse listed = admin.listRunners(ListRunnersRequest.newBuilder()
                .setUserAppId(ME)
                .setPerPage(1000)
                .build());
        assertTrue(listed.getRunnersList().stream().anyMatch(r -> r.getId().equals(runner.getId())));

        BaseResponse deleted = admin.deleteRunners(DeleteRunnersRequest.newBuilder()
                .setUserAppId(ME)
                .addIds(runner.getId())
                .build());
        assertEquals(
                StatusCode.SUCCESS,
                deleted.getStatus().getCode(),
                deleted.getStatus().getDetails());
        assertEquals("DELETE /v2/users/admin/runners 200", exchange());

        SingleRunnerResponse gone = admin.getRunner(GetRunnerRequest.newBuilder()
                .setUserAppId(ME)
                .setRunnerId(runner.getId())
                .build());
        assertEquals(StatusCode.RUNNER_DOES_NOT_EXIST, gone.getStatus().getCode());
        assertTrue(
                gone.getStatus().getDetails().contains(runner.getId()),
                gone.getStatus().getDetails());
        assertEquals(404, clarifai.lastStatus());
    }

    @Test
    void anEmptyPollReachesTheClientAsNeedsRetry() {
        Runner runner = register(unique("contract-idle"));
        MultiRunnerItemResponse polled = admin.listRunnerItems(ListRunnerItemsRequest.newBuilder()
                .setUserAppId(ME)
                .setRunnerId(runner.getId())
                .build());
        assertEquals(StatusCode.RUNNER_NEEDS_RETRY, polled.getStatus().getCode());
        assertEquals(0, polled.getRunnerItemsCount());
        assertEquals(200, clarifai.lastStatus());
    }

    private String exchange() {
        ClarifaiClient.Exchange last = clarifai.last();
        return last.method() + " " + last.path() + " " + last.status();
    }
}
