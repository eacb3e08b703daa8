package dev.runneragent.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.GetWorkflowRequest;
import com.clarifai.grpc.api.ListKeysRequest;
import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.MultiKeyResponse;
import com.clarifai.grpc.api.MultiScopeUserResponse;
import com.clarifai.grpc.api.MultiWorkflowResponse;
import com.clarifai.grpc.api.MyScopesUserRequest;
import com.clarifai.grpc.api.PostWorkflowsRequest;
import com.clarifai.grpc.api.SingleWorkflowResponse;
import com.clarifai.grpc.api.V2Grpc;
import com.clarifai.grpc.api.Workflow;
import com.clarifai.grpc.api.WorkflowNode;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.contract.ClarifaiClient;
import dev.runneragent.contract.ContractTest;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * Authentication and scope failures as Clarifai's Java client sees them: the client parses every answer, whatever
 * its HTTP status, so the Clarifai code is in {@code status.code} and the HTTP status comes from the recorder.
 */
@QuarkusTest
class AuthContractTest extends ContractTest {

    private static final String UNKNOWN_KEY = "0123456789abcdef0123456789abcdef";
    private static final String APP = "main";
    private static final String OTHER_APP = "contract-not-the-keys-app";
    private static final String WORKFLOW = "contract-refused";

    /** What GetWorkflow needs (cl_depending_scopes of clarifai-grpc 10.3.3). */
    private static final String[] READ_WORKFLOWS = {"Workflows:Get", "Apps:Get", "Models:Get"};

    @Test
    void unknownKeyIsKeyNotFound() {
        SingleWorkflowResponse answer = clarifai.withKey(UNKNOWN_KEY)
                .getWorkflow(
                        GetWorkflowRequest.newBuilder().setWorkflowId(WORKFLOW).build());

        assertEquals(StatusCode.CONN_KEY_NOT_FOUND, answer.getStatus().getCode());
        assertEquals(11009, answer.getStatus().getCodeValue());
        assertEquals(401, clarifai.lastStatus());
        assertFalse(answer.getStatus().getReqId().isEmpty());
    }

    @Test
    void keyWithoutScopeIsRefusedAndChangesNothing() {
        V2Grpc.V2BlockingStub readOnly =
                clarifai.withKey(clarifai.newAppKey(APP, "contract read only", "Workflows:Get"));

        MultiWorkflowResponse refused = readOnly.postWorkflows(PostWorkflowsRequest.newBuilder()
                .addWorkflows(Workflow.newBuilder()
                        .setId(WORKFLOW)
                        .addNodes(WorkflowNode.newBuilder()
                                .setId("classify")
                                .setModel(Model.newBuilder().setId("colour-classifier"))))
                .build());

        assertEquals(StatusCode.CONN_INSUFFICIENT_SCOPES, refused.getStatus().getCode());
        assertEquals(11007, refused.getStatus().getCodeValue());
        assertEquals(403, clarifai.lastStatus());
        assertTrue(
                refused.getStatus().getDetails().contains("Workflows:Add"),
                refused.getStatus().getDetails());
        assertEquals(0, refused.getWorkflowsCount());
        StatusCode lookup = admin.getWorkflow(
                        GetWorkflowRequest.newBuilder().setWorkflowId(WORKFLOW).build())
                .getStatus()
                .getCode();
        assertEquals(StatusCode.WORKFLOW_DOES_NOT_EXIST, lookup);
    }

    @Test
    void appKeyCannotCallPersonalTokenEndpoints() {
        // Every scope an app key can hold: the refusal is about the key's type alone.
        V2Grpc.V2BlockingStub appKey = clarifai.withKey(clarifai.newAppKey(APP, "contract app key", "All"));

        MultiKeyResponse keys = appKey.listKeys(ListKeysRequest.getDefaultInstance());
        assertEquals(403, clarifai.lastStatus());
        MultiScopeUserResponse scopes = appKey.myScopesUser(MyScopesUserRequest.getDefaultInstance());
        assertEquals(403, clarifai.lastStatus());

        assertEquals(StatusCode.CONN_INSUFFICIENT_SCOPES, keys.getStatus().getCode());
        assertEquals(0, keys.getKeysCount());
        assertEquals(StatusCode.CONN_INSUFFICIENT_SCOPES, scopes.getStatus().getCode());
        assertEquals(0, scopes.getScopesCount());
    }

    @Test
    void appKeyCannotReachAnotherApp() {
        String key = clarifai.newAppKey(APP, "contract one app", READ_WORKFLOWS);

        SingleWorkflowResponse refused = clarifai.withKey(key)
                .getWorkflow(GetWorkflowRequest.newBuilder()
                        .setUserAppId(ClarifaiClient.adminApp(OTHER_APP))
                        .setWorkflowId(WORKFLOW)
                        .build());

        assertEquals(
                "/v2/users/admin/apps/" + OTHER_APP + "/workflows/" + WORKFLOW,
                clarifai.last().path());
        assertEquals(StatusCode.CONN_INSUFFICIENT_SCOPES, refused.getStatus().getCode());
        assertTrue(
                refused.getStatus().getDetails().contains(OTHER_APP),
                refused.getStatus().getDetails());
        assertEquals(403, clarifai.lastStatus());
    }
}
