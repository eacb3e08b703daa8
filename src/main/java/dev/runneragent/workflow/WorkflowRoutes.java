package dev.runneragent.workflow;

import static dev.runneragent.api.ResourceKind.WORKFLOW;

import com.clarifai.grpc.api.DeleteWorkflowRequest;
import com.clarifai.grpc.api.DeleteWorkflowVersionsRequest;
import com.clarifai.grpc.api.DeleteWorkflowsRequest;
import com.clarifai.grpc.api.GetWorkflowRequest;
import com.clarifai.grpc.api.GetWorkflowVersionRequest;
import com.clarifai.grpc.api.ListWorkflowVersionsRequest;
import com.clarifai.grpc.api.ListWorkflowsRequest;
import com.clarifai.grpc.api.PatchWorkflowVersionsRequest;
import com.clarifai.grpc.api.PatchWorkflowsRequest;
import com.clarifai.grpc.api.PostWorkflowResultsRequest;
import com.clarifai.grpc.api.PostWorkflowResultsSimilarityRequest;
import com.clarifai.grpc.api.PostWorkflowVersionsPublishRequest;
import com.clarifai.grpc.api.PostWorkflowVersionsUnPublishRequest;
import com.clarifai.grpc.api.PostWorkflowsRequest;
import dev.runneragent.api.Api;
import dev.runneragent.api.Rpc;
import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;

/**
 * The workflow routes that exist in two forms: bare ({@code /v2/workflows...}, the app of the key or the default
 * app) and app-scoped ({@code /v2/users/{userId}/apps/{appId}/workflows...}). Each subclass fixes the prefix.
 */
@Consumes(MediaType.WILDCARD)
public abstract class WorkflowRoutes {

    @Inject
    Api api;

    @Inject
    WorkflowService workflows;

    @Inject
    VersionService versions;

    @Inject
    WorkflowRuns runs;

    @POST
    @Rpc(value = "PostWorkflows", kind = WORKFLOW)
    public Response postWorkflows(byte[] body) {
        return api.call(PostWorkflowsRequest.newBuilder(), body, workflows::postWorkflows);
    }

    @GET
    @Rpc(value = "ListWorkflows", kind = WORKFLOW)
    public Response listWorkflows() {
        return api.<ListWorkflowsRequest>call(
                ListWorkflowsRequest.newBuilder(),
                null,
                (caller, request) -> workflows.listWorkflows(caller, request, false));
    }

    @PATCH
    @Rpc(value = "PatchWorkflows", kind = WORKFLOW)
    public Response patchWorkflows(byte[] body) {
        return api.raw(PatchWorkflowsRequest.newBuilder(), body, workflows::patchWorkflows);
    }

    @DELETE
    @Rpc(value = "DeleteWorkflows", kind = WORKFLOW)
    public Response deleteWorkflows(byte[] body) {
        return api.call(DeleteWorkflowsRequest.newBuilder(), body, workflows::deleteWorkflows);
    }

    @GET
    @Path("/{workflowId}")
    @Rpc(value = "GetWorkflow", kind = WORKFLOW)
    public Response getWorkflow() {
        return api.call(GetWorkflowRequest.newBuilder(), null, workflows::getWorkflow);
    }

    @DELETE
    @Path("/{workflowId}")
    @Rpc(value = "DeleteWorkflow", kind = WORKFLOW)
    public Response deleteWorkflow(byte[] body) {
        return api.call(DeleteWorkflowRequest.newBuilder(), body, workflows::deleteWorkflow);
    }

    @GET
    @Path("/{workflowId}/versions")
    @Rpc(value = "ListWorkflowVersions", kind = WORKFLOW)
    public Response listVersions() {
        return api.call(ListWorkflowVersionsRequest.newBuilder(), null, versions::listVersions);
    }

    @GET
    @Path("/{workflowId}/versions/{workflowVersionId}")
    @Rpc(value = "GetWorkflowVersion", kind = WORKFLOW)
    public Response getVersion() {
        return api.call(GetWorkflowVersionRequest.newBuilder(), null, versions::getVersion);
    }

    @PATCH
    @Path("/{workflowId}/versions")
    @Rpc(value = "PatchWorkflowVersions", kind = WORKFLOW)
    public Response patchVersions(byte[] body) {
        return api.raw(PatchWorkflowVersionsRequest.newBuilder(), body, versions::patchVersions);
    }

    @DELETE
    @Path("/{workflowId}/versions")
    @Rpc(value = "DeleteWorkflowVersions", kind = WORKFLOW)
    public Response deleteVersions(byte[] body) {
        return api.call(DeleteWorkflowVersionsRequest.newBuilder(), body, versions::deleteVersions);
    }

    @POST
    @Path("/{workflowId}/publish")
    @Rpc(value = "PostWorkflowVersionsPublish", kind = WORKFLOW)
    public Response publish(byte[] body) {
        return api.call(PostWorkflowVersionsPublishRequest.newBuilder(), body, versions::publish);
    }

    @POST
    @Path("/{workflowId}/unpublish")
    @Rpc(value = "PostWorkflowVersionsUnPublish", kind = WORKFLOW)
    public Response unpublish(byte[] body) {
        return api.call(PostWorkflowVersionsUnPublishRequest.newBuilder(), body, versions::unpublish);
    }

    @POST
    @Path("/{workflowId}/results")
    @Blocking
    @Rpc(value = "PostWorkflowResults", kind = WORKFLOW)
    public CompletionStage<Response> results(byte[] body, @Context RoutingContext http) {
        return api.async(
                PostWorkflowResultsRequest.newBuilder(),
                body,
                (caller, request) ->
                        Api.cancelledByHangUp(runs.results(caller, (PostWorkflowResultsRequest) request), http));
    }

    @POST
    @Path("/{workflowId}/versions/{versionId}/results")
    @Blocking
    @Rpc(value = "PostWorkflowResults", kind = WORKFLOW)
    public CompletionStage<Response> versionResults(byte[] body, @Context RoutingContext http) {
        return results(body, http);
    }

    @POST
    @Path("/{workflowId}/results/similarity")
    @Blocking
    @Rpc(value = "PostWorkflowResultsSimilarity", kind = WORKFLOW)
    public CompletionStage<Response> similarity(byte[] body, @Context RoutingContext http) {
        return api.async(
                PostWorkflowResultsSimilarityRequest.newBuilder(),
                body,
                (caller, request) -> Api.cancelledByHangUp(
                        runs.similarity(caller, (PostWorkflowResultsSimilarityRequest) request), http));
    }

    @POST
    @Path("/{workflowId}/versions/{versionId}/results/similarity")
    @Blocking
    @Rpc(value = "PostWorkflowResultsSimilarity", kind = WORKFLOW)
    public CompletionStage<Response> versionSimilarity(byte[] body, @Context RoutingContext http) {
        return similarity(body, http);
    }
}
