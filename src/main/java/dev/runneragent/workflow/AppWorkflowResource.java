package dev.runneragent.workflow;

import static dev.runneragent.api.ResourceKind.WORKFLOW;

import com.clarifai.grpc.api.PatchWorkflowIdsRequest;
import dev.runneragent.api.Rpc;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** {@code /v2/users/{userId}/apps/{appId}/workflows...}, plus {@code PatchWorkflowIds}, which only has this form. */
@Path("/v2/users/{userId}/apps/{appId}/workflows")
public class AppWorkflowResource extends WorkflowRoutes {

    @PATCH
    @Path("/ids")
    @Rpc(value = "PatchWorkflowIds", kind = WORKFLOW)
    public Response patchWorkflowIds(byte[] body) {
        return api.call(PatchWorkflowIdsRequest.newBuilder(), body, workflows::patchWorkflowIds);
    }
}
