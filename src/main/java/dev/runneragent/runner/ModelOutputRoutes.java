package dev.runneragent.runner;

import static dev.runneragent.api.ResourceKind.MODEL;

import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import dev.runneragent.api.Api;
import dev.runneragent.api.Rpc;
import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code PostModelOutputs} in its two route forms ({@link AppModelOutputResource}, {@link ModelOutputResource}):
 * {@code .../models/{modelId}/outputs} and {@code .../models/{modelId}/versions/{versionId}/outputs}. A caller that
 * disconnects before the answer cancels its runner item.
 */
@Consumes(MediaType.WILDCARD)
public abstract class ModelOutputRoutes {

    @Inject
    Api api;

    @Inject
    Predictions predictions;

    @POST
    @Path("/outputs")
    @Blocking
    @Rpc(value = "PostModelOutputs", kind = MODEL)
    public CompletionStage<Response> postModelOutputs(byte[] body, @Context RoutingContext http) {
        return predict(body, http);
    }

    @POST
    @Path("/versions/{versionId}/outputs")
    @Blocking
    @Rpc(value = "PostModelOutputs", kind = MODEL)
    public CompletionStage<Response> postModelVersionOutputs(byte[] body, @Context RoutingContext http) {
        return predict(body, http);
    }

    private CompletionStage<Response> predict(byte[] body, RoutingContext http) {
        return api.async(PostModelOutputsRequest.newBuilder(), body, (caller, request) -> {
            CompletableFuture<MultiOutputResponse> answer =
                    predictions.postModelOutputs(caller, (PostModelOutputsRequest) request);
            return Api.cancelledByHangUp(answer, http);
        });
    }
}
