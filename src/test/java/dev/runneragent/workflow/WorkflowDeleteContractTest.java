package dev.runneragent.workflow;

import static dev.runneragent.workflow.ContractWorkflows.DEFAULT_APP;
import static dev.runneragent.workflow.ContractWorkflows.create;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clarifai.grpc.api.DeleteWorkflowRequest;
import com.clarifai.grpc.api.DeleteWorkflowsRequest;
import com.clarifai.grpc.api.GetWorkflowRequest;
import com.clarifai.grpc.api.ListWorkflowsRequest;
import com.clarifai.grpc.api.MultiWorkflowResponse;
import com.clarifai.grpc.api.V2Grpc;
import com.clarifai.grpc.api.Workflow;
import com.clarifai.grpc.api.status.BaseResponse;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.contract.ClarifaiClient;
import dev.runneragent.contract.ContractTest;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DeleteWorkflow on both routes and DeleteWorkflows by ids and for a whole app, through Clarifai's Java client. */
@QuarkusTest
class WorkflowDeleteContractTest extends ContractTest {

    /** An app of its own, so that deleting all of its workflows touches no other test's. */
    private static final String DELETE_ALL_APP = "contract-delete-all";

    /** What PostWorkflows and DeleteWorkflows need (cl_depending_scopes of clarifai-grpc 10.3.3). */
    private static final String[] WORKFLOW_SCOPES = {
        "Workflows:Add", "Workflows:Get", "Workflows:Delete", "Apps:Get", "Models:Get"
    };

    @Test
    void deletesWorkflowOnBareRouteWithEmptyBody() {
        create(admin, "contract-delete-bare");

        BaseResponse deleted = admin.deleteWorkflow(DeleteWorkflowRequest.newBuilder()
                .setWorkflowId("contract-delete-bare")
                .build());

        assertEquals(
                StatusCode.SUCCESS,
                deleted.getStatus().getCode(),
                deleted.getStatus().getDetails());
        assertEquals("DELETE /v2/workflows/contract-delete-bare {}", exchange());
        assertEquals(StatusCode.WORKFLOW_DOES_NOT_EXIST, getStatus("contract-delete-bare"));
    }

    @Test
    void deletesWorkflowOnAppRoute() {
        create(admin, "contract-delete-app");

        BaseResponse deleted = admin.deleteWorkflow(DeleteWorkflowRequest.newBuilder()
                .setUserAppId(ClarifaiClient.adminApp(DEFAULT_APP))
                .setWorkflowId("contract-delete-app")
                .build());

        assertEquals(
                RouteForm.APP.prefix() + "/contract-delete-app", clarifai.last().path());
        assertEquals(
                StatusCode.SUCCESS,
                deleted.getStatus().getCode(),
                deleted.getStatus().getDetails());
        assertEquals(StatusCode.WORKFLOW_DOES_NOT_EXIST, getStatus("contract-delete-app"));
    }

    @Test
    void deletesWorkflowsByIdsAndKeepsTheOthers() {
        List.of("contract-ids-a", "contract-ids-b", "contract-ids-kept").forEach(id -> create(admin, id));

        BaseResponse deleted = admin.deleteWorkflows(DeleteWorkflowsRequest.newBuilder()
                .addIds("contract-ids-a")
                .addIds("contract-ids-b")
                .build());

        assertEquals(
                StatusCode.SUCCESS,
                deleted.getStatus().getCode(),
                deleted.getStatus().getDetails());
        assertEquals("DELETE /v2/workflows {\"ids\":[\"contract-ids-a\",\"contract-ids-b\"]}", exchange());
        assertEquals(StatusCode.WORKFLOW_DOES_NOT_EXIST, getStatus("contract-ids-a"));
        assertEquals(StatusCode.WORKFLOW_DOES_NOT_EXIST, getStatus("contract-ids-b"));
        assertEquals(StatusCode.SUCCESS, getStatus("contract-ids-kept"));
    }

    @Test
    void deleteAllEmptiesOnlyTheAppOfTheKey() {
        V2Grpc.V2BlockingStub appKey =
                clarifai.withKey(clarifai.newAppKey(DELETE_ALL_APP, "delete-all test", WORKFLOW_SCOPES));
        Workflow inKeyApp = create(appKey, "contract-all-a");
        create(appKey, "contract-all-b");
        create(admin, "contract-all-survivor");
        assertEquals(DELETE_ALL_APP, inKeyApp.getAppId());
        assertEquals(List.of("contract-all-a", "contract-all-b"), idsInApp(DELETE_ALL_APP));

        BaseResponse deleted = appKey.deleteWorkflows(
                DeleteWorkflowsRequest.newBuilder().setDeleteAll(true).build());

        assertEquals(
                StatusCode.SUCCESS,
                deleted.getStatus().getCode(),
                deleted.getStatus().getDetails());
        assertEquals("DELETE /v2/workflows {\"delete_all\":true}", exchange());
        assertEquals(List.of(), idsInApp(DELETE_ALL_APP));
        assertEquals(StatusCode.SUCCESS, getStatus("contract-all-survivor"));
    }

    @Test
    void deleteWithoutIdsOrDeleteAllIsRefused() {
        BaseResponse refused =
                admin.deleteWorkflows(DeleteWorkflowsRequest.newBuilder().build());

        assertEquals(StatusCode.WORKFLOW_INVALID_ARGUMENT, refused.getStatus().getCode());
        assertEquals(400, clarifai.lastStatus());
    }

    /** The workflows of one of the admin's apps: GET on the app route, which takes user_app_id in the query. */
    private List<String> idsInApp(String appId) {
        MultiWorkflowResponse listed = admin.listWorkflows(ListWorkflowsRequest.newBuilder()
                .setUserAppId(ClarifaiClient.adminApp(appId))
                .setSortById(true)
                .setSortAscending(true)
                .build());
        assertEquals(
                StatusCode.SUCCESS,
                listed.getStatus().getCode(),
                listed.getStatus().getDetails());
        assertEquals(
                "/v2/users/admin/apps/" + appId + "/workflows", clarifai.last().path());
        return listed.getWorkflowsList().stream().map(Workflow::getId).toList();
    }

    private StatusCode getStatus(String workflowId) {
        return admin.getWorkflow(GetWorkflowRequest.newBuilder()
                        .setWorkflowId(workflowId)
                        .build())
                .getStatus()
                .getCode();
    }

    private String exchange() {
        ClarifaiClient.Exchange last = clarifai.last();
        return last.method() + " " + last.path() + " " + last.body();
    }
}
