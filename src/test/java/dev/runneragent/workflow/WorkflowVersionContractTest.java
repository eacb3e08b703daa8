package dev.runneragent.workflow;

import static dev.runneragent.workflow.ContractWorkflows.EMBED;
import static dev.runneragent.workflow.ContractWorkflows.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.DeleteWorkflowVersionsRequest;
import com.clarifai.grpc.api.GetWorkflowRequest;
import com.clarifai.grpc.api.GetWorkflowVersionRequest;
import com.clarifai.grpc.api.ListWorkflowVersionsRequest;
import com.clarifai.grpc.api.MultiWorkflowResponse;
import com.clarifai.grpc.api.MultiWorkflowVersionResponse;
import com.clarifai.grpc.api.PatchWorkflowVersionsRequest;
import com.clarifai.grpc.api.PatchWorkflowsRequest;
import com.clarifai.grpc.api.PostWorkflowVersionsPublishRequest;
import com.clarifai.grpc.api.PostWorkflowVersionsUnPublishRequest;
import com.clarifai.grpc.api.SingleWorkflowVersionResponse;
import com.clarifai.grpc.api.Visibility;
import com.clarifai.grpc.api.Workflow;
import com.clarifai.grpc.api.WorkflowNode;
import com.clarifai.grpc.api.WorkflowVersion;
import com.clarifai.grpc.api.WorkflowVersionPublishRequest;
import com.clarifai.grpc.api.WorkflowVersionUnPublishRequest;
import com.clarifai.grpc.api.status.BaseResponse;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.contract.ContractTest;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Workflow versions through Clarifai's Java client, each RPC on both of its routes: the bare one (request without
 * {@code user_app_id}) and the app-scoped one. Every workflow here has two versions: its first, and the one that
 * adding the {@code embed} node made.
 */
@QuarkusTest
class WorkflowVersionContractTest extends ContractTest {

    private static final String DESCRIPTION = "the version with the embedder";

    @Test
    void listsVersionsNewestFirstOnBareRoute() {
        listsVersionsNewestFirst(RouteForm.BARE, "contract-versions-list-bare");
    }

    @Test
    void listsVersionsNewestFirstOnAppRoute() {
        listsVersionsNewestFirst(RouteForm.APP, "contract-versions-list-app");
    }

    @Test
    void getsVersionWithItsNodesOnBareRoute() {
        getsVersionWithItsNodes(RouteForm.BARE, "contract-versions-get-bare");
    }

    @Test
    void getsVersionWithItsNodesOnAppRoute() {
        getsVersionWithItsNodes(RouteForm.APP, "contract-versions-get-app");
    }

    @Test
    void patchesVersionDescriptionOnBareRoute() {
        patchesVersionDescription(RouteForm.BARE, "contract-versions-patch-bare");
    }

    @Test
    void patchesVersionDescriptionOnAppRoute() {
        patchesVersionDescription(RouteForm.APP, "contract-versions-patch-app");
    }

    @Test
    void deletesOlderVersionOnBareRoute() {
        deletesOlderVersion(RouteForm.BARE, "contract-versions-delete-bare");
    }

    @Test
    void deletesOlderVersionOnAppRoute() {
        deletesOlderVersion(RouteForm.APP, "contract-versions-delete-app");
    }

    @Test
    void publishesAndUnpublishesOnBareRoute() {
        publishesAndUnpublishes(RouteForm.BARE, "contract-versions-publish-bare");
    }

    @Test
    void publishesAndUnpublishesOnAppRoute() {
        publishesAndUnpublishes(RouteForm.APP, "contract-versions-publish-app");
    }

    private void listsVersionsNewestFirst(RouteForm form, String workflowId) {
        List<String> made = twoVersions(workflowId);

        ListWorkflowVersionsRequest.Builder all =
                ListWorkflowVersionsRequest.newBuilder().setWorkflowId(workflowId);
        form.scope(all::setUserAppId);
        MultiWorkflowVersionResponse listed = admin.listWorkflowVersions(all.build());
        assertEquals(
                form.prefix() + "/" + workflowId + "/versions", clarifai.last().path());
        MultiWorkflowVersionResponse firstPage =
                admin.listWorkflowVersions(all.setPerPage(1).build());

        assertEquals(
                StatusCode.SUCCESS,
                listed.getStatus().getCode(),
                listed.getStatus().getDetails());
        assertEquals(List.of(made.get(1), made.get(0)), ids(listed));
        assertEquals(List.of(made.get(1)), ids(firstPage));
        assertTrue(
                clarifai.last().query().contains("per_page=1"), clarifai.last().query());
    }

    private void getsVersionWithItsNodes(RouteForm form, String workflowId) {
        List<String> made = twoVersions(workflowId);

        GetWorkflowVersionRequest.Builder request =
                GetWorkflowVersionRequest.newBuilder().setWorkflowId(workflowId).setWorkflowVersionId(made.get(0));
        form.scope(request::setUserAppId);
        SingleWorkflowVersionResponse first = admin.getWorkflowVersion(request.build());

        assertEquals(
                form.prefix() + "/" + workflowId + "/versions/" + made.get(0),
                clarifai.last().path());
        assertEquals(
                StatusCode.SUCCESS,
                first.getStatus().getCode(),
                first.getStatus().getDetails());
        assertEquals(workflowId, first.getWorkflowVersion().getWorkflowId());
        assertEquals(List.of("classify"), nodeIds(first.getWorkflowVersion()));
        assertEquals(List.of("classify", "embed"), nodeIds(version(form, workflowId, made.get(1))));
    }

    private void patchesVersionDescription(RouteForm form, String workflowId) {
        String latest = twoVersions(workflowId).get(1);

        PatchWorkflowVersionsRequest.Builder request = PatchWorkflowVersionsRequest.newBuilder()
                .setWorkflowId(workflowId)
                .setAction("merge")
                .addWorkflowVersions(WorkflowVersion.newBuilder().setId(latest).setDescription(DESCRIPTION));
        form.scope(request::setUserAppId);
        MultiWorkflowVersionResponse patched = admin.patchWorkflowVersions(request.build());

        assertEquals(
                form.prefix() + "/" + workflowId + "/versions", clarifai.last().path());
        assertTrue(
                clarifai.last().body().contains("\"workflow_versions\""),
                clarifai.last().body());
        assertEquals(
                StatusCode.SUCCESS,
                patched.getStatus().getCode(),
                patched.getStatus().getDetails());
        assertEquals(DESCRIPTION, patched.getWorkflowVersions(0).getDescription());
        WorkflowVersion read = version(form, workflowId, latest);
        assertEquals(DESCRIPTION, read.getDescription());
        assertEquals(List.of("classify", "embed"), nodeIds(read));
    }

    private void deletesOlderVersion(RouteForm form, String workflowId) {
        List<String> made = twoVersions(workflowId);

        BaseResponse latest = deleteVersion(form, workflowId, made.get(1));
        assertEquals(StatusCode.WORKFLOW_INVALID_ARGUMENT, latest.getStatus().getCode());
        BaseResponse older = deleteVersion(form, workflowId, made.get(0));

        assertEquals(
                form.prefix() + "/" + workflowId + "/versions", clarifai.last().path());
        assertEquals(
                StatusCode.SUCCESS,
                older.getStatus().getCode(),
                older.getStatus().getDetails());
        MultiWorkflowVersionResponse left = admin.listWorkflowVersions(ListWorkflowVersionsRequest.newBuilder()
                .setWorkflowId(workflowId)
                .build());
        assertEquals(List.of(made.get(1)), ids(left));
        SingleWorkflowVersionResponse gone = admin.getWorkflowVersion(GetWorkflowVersionRequest.newBuilder()
                .setWorkflowId(workflowId)
                .setWorkflowVersionId(made.get(0))
                .build());
        assertEquals(StatusCode.WORKFLOW_DOES_NOT_EXIST, gone.getStatus().getCode());
    }

    private void publishesAndUnpublishes(RouteForm form, String workflowId) {
        String latest = twoVersions(workflowId).get(1);

        PostWorkflowVersionsPublishRequest.Builder publish = PostWorkflowVersionsPublishRequest.newBuilder()
                .setWorkflowId(workflowId)
                .addPublications(WorkflowVersionPublishRequest.newBuilder().setVersionId(latest));
        form.scope(publish::setUserAppId);
        BaseResponse published = admin.postWorkflowVersionsPublish(publish.build());

        assertEquals(
                form.prefix() + "/" + workflowId + "/publish", clarifai.last().path());
        assertEquals(
                StatusCode.SUCCESS,
                published.getStatus().getCode(),
                published.getStatus().getDetails());
        assertEquals(Visibility.Gettable.PUBLIC, gettable(form, workflowId, latest));
        assertEquals(Visibility.Gettable.PUBLIC, workflowVersionGettable(workflowId));

        PostWorkflowVersionsUnPublishRequest.Builder unpublish = PostWorkflowVersionsUnPublishRequest.newBuilder()
                .setWorkflowId(workflowId)
                .addPublications(WorkflowVersionUnPublishRequest.newBuilder().setVersionId(latest));
        form.scope(unpublish::setUserAppId);
        BaseResponse unpublished = admin.postWorkflowVersionsUnPublish(unpublish.build());

        assertEquals(
                form.prefix() + "/" + workflowId + "/unpublish", clarifai.last().path());
        assertEquals(
                StatusCode.SUCCESS,
                unpublished.getStatus().getCode(),
                unpublished.getStatus().getDetails());
        assertEquals(Visibility.Gettable.PRIVATE, gettable(form, workflowId, latest));
        assertEquals(Visibility.Gettable.PRIVATE, workflowVersionGettable(workflowId));
    }

    /** Creates {@code workflowId} and adds a node (a new version); returns the version ids, oldest first. */
    private List<String> twoVersions(String workflowId) {
        Workflow created = create(admin, workflowId);
        MultiWorkflowResponse patched = admin.patchWorkflows(PatchWorkflowsRequest.newBuilder()
                .setAction("merge")
                .addWorkflows(Workflow.newBuilder().setId(workflowId).addNodes(EMBED))
                .build());
        assertEquals(
                StatusCode.SUCCESS,
                patched.getStatus().getCode(),
                patched.getStatus().getDetails());
        String second = patched.getWorkflows(0).getVersion().getId();
        assertNotEquals(created.getVersion().getId(), second);
        return List.of(created.getVersion().getId(), second);
    }

    private BaseResponse deleteVersion(RouteForm form, String workflowId, String versionId) {
        DeleteWorkflowVersionsRequest.Builder request = DeleteWorkflowVersionsRequest.newBuilder()
                .setWorkflowId(workflowId)
                .addWorkflowVersionIds(versionId);
        form.scope(request::setUserAppId);
        return admin.deleteWorkflowVersions(request.build());
    }

    private WorkflowVersion version(RouteForm form, String workflowId, String versionId) {
        GetWorkflowVersionRequest.Builder request =
                GetWorkflowVersionRequest.newBuilder().setWorkflowId(workflowId).setWorkflowVersionId(versionId);
        form.scope(request::setUserAppId);
        SingleWorkflowVersionResponse answer = admin.getWorkflowVersion(request.build());
        assertEquals(
                StatusCode.SUCCESS,
                answer.getStatus().getCode(),
                answer.getStatus().getDetails());
        return answer.getWorkflowVersion();
    }

    private Visibility.Gettable gettable(RouteForm form, String workflowId, String versionId) {
        return version(form, workflowId, versionId).getVisibility().getGettable();
    }

    /** The visibility of the latest version as GetWorkflow shows it. */
    private Visibility.Gettable workflowVersionGettable(String workflowId) {
        return admin.getWorkflow(GetWorkflowRequest.newBuilder()
                        .setWorkflowId(workflowId)
                        .build())
                .getWorkflow()
                .getVersion()
                .getVisibility()
                .getGettable();
    }

    private static List<String> ids(MultiWorkflowVersionResponse answer) {
        return answer.getWorkflowVersionsList().stream()
                .map(WorkflowVersion::getId)
                .toList();
    }

    private static List<String> nodeIds(WorkflowVersion version) {
        return version.getNodesList().stream().map(WorkflowNode::getId).toList();
    }
}
