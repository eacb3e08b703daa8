package dev.runneragent.runner;

import static dev.runneragent.api.ResourceKind.RUNNER;

import com.clarifai.grpc.api.DeleteRunnersRequest;
import com.clarifai.grpc.api.GetRunnerRequest;
import com.clarifai.grpc.api.ListRunnerItemsRequest;
import com.clarifai.grpc.api.ListRunnersRequest;
import com.clarifai.grpc.api.PostRunnerItemOutputsRequest;
import com.clarifai.grpc.api.PostRunnersRequest;
import com.google.protobuf.Message;
import dev.runneragent.api.Api;
import dev.runneragent.api.Rpc;
import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Runners and their work: {@code /v2/users/{userId}/runners...}. */
@Path("/v2/users/{userId}/runners")
@Consumes(MediaType.WILDCARD)
public class RunnerResource {

    @Inject
    Api api;

    @Inject
    RunnerService runners;

    @POST
    @Rpc(value = "PostRunners", kind = RUNNER)
    public Response postRunners(byte[] body) {
        return api.raw(PostRunnersRequest.newBuilder(), body, runners::postRunners);
    }

    @GET
    @Rpc(value = "ListRunners", kind = RUNNER)
    public Response listRunners() {
        return api.call(ListRunnersRequest.newBuilder(), null, runners::listRunners);
    }

    @DELETE
    @Rpc(value = "DeleteRunners", kind = RUNNER)
    public Response deleteRunners(byte[] body) {
        return api.call(DeleteRunnersRequest.newBuilder(), body, runners::deleteRunners);
    }

    @GET
    @Path("/{runnerId}")
    @Rpc(value = "GetRunner", kind = RUNNER)
    public Response getRunner() {
        return api.call(GetRunnerRequest.newBuilder(), null, runners::getRunner);
    }

    /** A long poll: the answer comes when items are leased or the poll runs out, without holding a thread. */
    @GET
    @Path("/{runnerId}/items")
    @Blocking
    @Rpc(value = "ListRunnerItems", kind = RUNNER)
    public CompletionStage<Response> listRunnerItems(@Context RoutingContext http) {
        return api.async(ListRunnerItemsRequest.newBuilder(), null, (caller, request) -> {
            CompletableFuture<Message> answer = runners.listRunnerItems(caller, (ListRunnerItemsRequest) request);
            http.addEndHandler(ended -> answer.cancel(false)); // the runner hung up; a no-op once answered
            return answer;
        });
    }

    @POST
    @Path("/{runnerId}/items/{runnerItemId}/outputs")
    @Blocking
    @Rpc(value = "PostRunnerItemOutputs", kind = RUNNER)
    public CompletionStage<Response> postRunnerItemOutputs(byte[] body) {
        return api.async(PostRunnerItemOutputsRequest.newBuilder(), body, runners::postRunnerItemOutputs);
    }
}
