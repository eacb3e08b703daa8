package dev.runneragent.workflow;

import static dev.runneragent.api.ResourceKind.WORKFLOW;

import com.clarifai.grpc.api.ListWorkflowsRequest;
import dev.runneragent.api.Api;
import dev.runneragent.api.Rpc;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** {@code GET /v2/users/{userId}/workflows}: the user's workflows across every app the key can see. */
@Path("/v2/users/{userId}/workflows")
public class UserWorkflowResource {

    @Inject
    Api api;

    @Inject
    WorkflowService workflows;

    @GET
    @Rpc(value = "ListWorkflows", kind = WORKFLOW)
    public Response listWorkflows() {
        return api.<ListWorkflowsRequest>call(
                ListWorkflowsRequest.newBuilder(),
                null,
                (caller, request) -> workflows.listWorkflows(caller, request, true));
    }
}
