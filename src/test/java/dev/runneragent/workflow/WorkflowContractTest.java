package dev.runneragent.workflow;

import static dev.runneragent.workflow.ContractWorkflows.CLASSIFY;
import static dev.runneragent.workflow.ContractWorkflows.DEFAULT_APP;
import static dev.runneragent.workflow.ContractWorkflows.EMBED;
import static dev.runneragent.workflow.ContractWorkflows.TEXT_EMBEDDER_VERSION;
import static dev.runneragent.workflow.ContractWorkflows.create;
import static dev.runneragent.workflow.ContractWorkflows.workflow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.GetWorkflowRequest;
import com.clarifai.grpc.api.IdUpdateSource;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.ListWorkflowsRequest;
import com.clarifai.grpc.api.MultiWorkflowResponse;
import com.clarifai.grpc.api.PatchWorkflowIdsRequest;
import com.clarifai.grpc.api.PatchWorkflowsRequest;
import com.clarifai.grpc.api.PostWorkflowResultsRequest;
import com.clarifai.grpc.api.PostWorkflowResultsResponse;
import com.clarifai.grpc.api.PostWorkflowResultsSimilarityRequest;
import com.clarifai.grpc.api.PostWorkflowResultsSimilarityResponse;
import com.clarifai.grpc.api.PostWorkflowsRequest;
import com.clarifai.grpc.api.SingleWorkflowResponse;
import com.clarifai.grpc.api.Text;
import com.clarifai.grpc.api.Workflow;
import com.clarifai.grpc.api.WorkflowNode;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.runneragent.contract.ClarifaiClient;
import dev.runneragent.contract.ContractTest;
import dev.runneragent.execution.TestInputs;
import dev.runneragent.testing.TestNode;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Workflows through Clarifai's own Java client: create, get on both routes, list, patch, rename, errors. */
@QuarkusTest
class WorkflowContractTest extends ContractTest {

    /** Gson, under the client, writes '&' and '<' as unicode escapes; the server must read them back. */
    private static final String DESCRIPTION = "colours & text <then>";

    private static final String LIST_PREFIX = "contract-listing-";
    private static final String OTHER_APP = "contract-elsewhere";
    private static final String MISSING = "contract-never-created";

    @Test
    void createsWorkflowFromSnakeCaseBody() {
        MultiWorkflowResponse created = admin.postWorkflows(PostWorkflowsRequest.newBuilder()
                .addWorkflows(
                        workflow("contract-create", EMBED, CLASSIFY).toBuilder().setDescription(DESCRIPTION))
                .build());

        assertEquals(
                StatusCode.SUCCESS,
                created.getStatus().getCode(),
                created.getStatus().getDetails());
        ClarifaiClient.Exchange sent = clarifai.last();
        assertEquals("POST /v2/workflows 200", sent.method() + " " + sent.path() + " " + sent.status());
        assertEquals("application/json; charset=utf8", sent.contentType());
        assertTrue(sent.body().contains("\"model_version\":{\"id\":\"v1\"}"), sent.body());
        assertTrue(sent.body().contains("\"node_inputs\""), sent.body());
        assertTrue(sent.body().contains("colours \\u0026 text"), "Gson escapes '&': " + sent.body());
        Workflow workflow = created.getWorkflows(0);
        assertEquals(DEFAULT_APP, workflow.getAppId());
        assertEquals(TestNode.ADMIN, workflow.getUserId());
        assertEquals(List.of("classify", "embed"), nodeIds(workflow));
        assertEquals(
                TEXT_EMBEDDER_VERSION,
                workflow.getNodes(1).getModel().getModelVersion().getId());
        assertFalse(workflow.getVersion().getId().isEmpty());

        Workflow read = get(GetWorkflowRequest.newBuilder().setWorkflowId("contract-create"));
        assertEquals(DESCRIPTION, read.getDescription());
        assertEquals(workflow.getVersion().getId(), read.getVersion().getId());
    }

    @Test
    void createsWorkflowInAppNamedByUserAppId() {
        MultiWorkflowResponse created = admin.postWorkflows(PostWorkflowsRequest.newBuilder()
                .setUserAppId(ClarifaiClient.adminApp(OTHER_APP))
                .addWorkflows(workflow("contract-in-other-app", CLASSIFY))
                .build());

        assertEquals(
                "/v2/users/admin/apps/" + OTHER_APP + "/workflows",
                clarifai.last().path());
        assertEquals(
                StatusCode.SUCCESS,
                created.getStatus().getCode(),
                created.getStatus().getDetails());
        assertEquals(OTHER_APP, created.getWorkflows(0).getAppId());
        assertEquals(
                OTHER_APP,
                get(GetWorkflowRequest.newBuilder()
                                .setUserAppId(ClarifaiClient.adminApp(OTHER_APP))
                                .setWorkflowId("contract-in-other-app"))
                        .getAppId());
        assertEquals(
                StatusCode.WORKFLOW_DOES_NOT_EXIST,
                admin.getWorkflow(GetWorkflowRequest.newBuilder()
                                .setWorkflowId("contract-in-other-app")
                                .build())
                        .getStatus()
                        .getCode());
    }

    @Test
    void getsWorkflowOnBareAndAppRoutes() {
        Workflow created = create(admin, "contract-get");

        Workflow bare = get(GetWorkflowRequest.newBuilder().setWorkflowId("contract-get"));
        assertEquals("/v2/workflows/contract-get", clarifai.last().path());
        assertEquals("", clarifai.last().query());

        Workflow scoped = get(GetWorkflowRequest.newBuilder()
                .setUserAppId(ClarifaiClient.adminApp(DEFAULT_APP))
                .setWorkflowId("contract-get"));
        assertEquals(RouteForm.APP.prefix() + "/contract-get", clarifai.last().path());
        assertTrue(
                clarifai.last().query().contains("user_app_id.app_id=" + DEFAULT_APP),
                clarifai.last().query());

        assertEquals(created.getVersion().getId(), bare.getVersion().getId());
        assertEquals(bare, scoped);
        SingleWorkflowResponse elsewhere = admin.getWorkflow(GetWorkflowRequest.newBuilder()
                .setUserAppId(ClarifaiClient.adminApp(OTHER_APP))
                .setWorkflowId("contract-get")
                .build());
        assertEquals(StatusCode.WORKFLOW_DOES_NOT_EXIST, elsewhere.getStatus().getCode());
    }

    @Test
    void listsWorkflowsOfTheUserPageByPage() {
        List.of("c", "a", "b").forEach(suffix -> create(admin, LIST_PREFIX + suffix));
        ListWorkflowsRequest.Builder query = ListWorkflowsRequest.newBuilder()
                .setSearch(LIST_PREFIX)
                .setSortById(true)
                .setSortAscending(true);

        MultiWorkflowResponse first =
                admin.listWorkflows(query.setPage(1).setPerPage(2).build());
        assertEquals("/v2/users/me/workflows", clarifai.last().path());
        assertTrue(
                clarifai.last().query().contains("per_page=2"), clarifai.last().query());
        MultiWorkflowResponse second =
                admin.listWorkflows(query.setPage(2).setPerPage(2).build());

        assertEquals(
                StatusCode.SUCCESS,
                first.getStatus().getCode(),
                first.getStatus().getDetails());
        assertEquals(List.of(LIST_PREFIX + "a", LIST_PREFIX + "b"), ids(first));
        assertEquals(List.of(LIST_PREFIX + "c"), ids(second));
    }

    @Test
    void mergePatchKeepsWhatItDoesNotName() {
        createWithMetadata("contract-merge", "team", "vision", "stage", "dev");

        MultiWorkflowResponse patched = patch(
                "merge",
                Workflow.newBuilder()
                        .setId("contract-merge")
                        .setDescription("merged")
                        .setMetadata(metadata("stage", "prod", "owner", "ops")));

        assertEquals(
                StatusCode.SUCCESS,
                patched.getStatus().getCode(),
                patched.getStatus().getDetails());
        assertEquals("/v2/workflows", clarifai.last().path());
        Workflow read = get(GetWorkflowRequest.newBuilder().setWorkflowId("contract-merge"));
        assertEquals("merged", read.getDescription());
        assertEquals(metadata("team", "vision", "stage", "prod", "owner", "ops"), read.getMetadata());
        assertEquals(List.of("classify"), nodeIds(read));
    }

    @Test
    void overwritePatchReplacesTheWorkflowAndMakesAVersion() {
        Workflow created = createWithMetadata("contract-overwrite", "team", "vision");

        MultiWorkflowResponse patched = patch(
                "overwrite",
                Workflow.newBuilder()
                        .setId("contract-overwrite")
                        .setDescription("replaced")
                        .addNodes(CLASSIFY)
                        .addNodes(EMBED));

        assertEquals(
                StatusCode.SUCCESS,
                patched.getStatus().getCode(),
                patched.getStatus().getDetails());
        Workflow read = get(GetWorkflowRequest.newBuilder().setWorkflowId("contract-overwrite"));
        assertEquals("replaced", read.getDescription());
        assertFalse(read.hasMetadata(), read.getMetadata().toString());
        assertEquals(List.of("classify", "embed"), nodeIds(read));
        assertNotEquals(created.getVersion().getId(), read.getVersion().getId());
    }

    @Test
    void removePatchDeletesTheNamedMetadataKey() {
        createWithMetadata("contract-remove", "team", "vision", "stage", "dev");

        MultiWorkflowResponse patched = patch(
                "remove",
                Workflow.newBuilder()
                        .setId("contract-remove")
                        .setMetadata(Struct.newBuilder()
                                .putFields(
                                        "stage",
                                        Value.newBuilder().setBoolValue(true).build())));

        assertEquals(
                StatusCode.SUCCESS,
                patched.getStatus().getCode(),
                patched.getStatus().getDetails());
        Workflow read = get(GetWorkflowRequest.newBuilder().setWorkflowId("contract-remove"));
        assertEquals(metadata("team", "vision"), read.getMetadata());
    }

    @Test
    void renamesWorkflowThroughItsAppRoute() {
        Workflow created = create(admin, "contract-old-name");

        MultiWorkflowResponse renamed = admin.patchWorkflowIds(PatchWorkflowIdsRequest.newBuilder()
                .setUserAppId(ClarifaiClient.adminApp(DEFAULT_APP))
                .setAction("overwrite")
                .addIds(IdUpdateSource.newBuilder().setId("contract-old-name").setNewId("contract-new-name"))
                .build());

        assertEquals(RouteForm.APP.prefix() + "/ids", clarifai.last().path());
        assertEquals(
                StatusCode.SUCCESS,
                renamed.getStatus().getCode(),
                renamed.getStatus().getDetails());
        assertEquals("contract-new-name", renamed.getWorkflows(0).getId());
        Workflow read = get(GetWorkflowRequest.newBuilder().setWorkflowId("contract-new-name"));
        assertEquals(created.getVersion().getId(), read.getVersion().getId());
        SingleWorkflowResponse old = admin.getWorkflow(GetWorkflowRequest.newBuilder()
                .setWorkflowId("contract-old-name")
                .build());
        assertEquals(StatusCode.WORKFLOW_DOES_NOT_EXIST, old.getStatus().getCode());
    }

    @Test
    void missingWorkflowIsWorkflowDoesNotExist() {
        SingleWorkflowResponse missing = admin.getWorkflow(
                GetWorkflowRequest.newBuilder().setWorkflowId(MISSING).build());

        assertEquals(StatusCode.WORKFLOW_DOES_NOT_EXIST, missing.getStatus().getCode());
        assertEquals(404, clarifai.lastStatus());
        assertTrue(
                missing.getStatus().getDetails().contains(MISSING),
                missing.getStatus().getDetails());
        assertFalse(missing.hasWorkflow());
    }

    /** A root node: the text embedder (8 numbers per text, by topic). */
    private static final WorkflowNode EMBED_TEXT = WorkflowNode.newBuilder()
            .setId("embed")
            .setModel(com.clarifai.grpc.api.Model.newBuilder().setId(ContractWorkflows.TEXT_EMBEDDER))
            .build();

    private static Input text(String id, String raw) {
        return Input.newBuilder()
                .setId(id)
                .setData(Data.newBuilder().setText(Text.newBuilder().setRaw(raw)))
                .build();
    }

    @Test
    void runsAWorkflowWithPerInputStatusesAndAWorkflowState() {
        MultiWorkflowResponse created = admin.postWorkflows(PostWorkflowsRequest.newBuilder()
                .addWorkflows(workflow("contract-run", EMBED_TEXT))
                .build());
        assertEquals(
                StatusCode.SUCCESS,
                created.getStatus().getCode(),
                created.getStatus().getDetails());
        Input picture = Input.newBuilder()
                .setId("picture")
                .setData(Data.newBuilder()
                        .setImage(com.clarifai.grpc.api.Image.newBuilder()
                                .setBase64(com.google.protobuf.ByteString.copyFromUtf8("not text"))))
                .build();

        PostWorkflowResultsResponse results = admin.postWorkflowResults(PostWorkflowResultsRequest.newBuilder()
                .setWorkflowId("contract-run")
                .addInputs(text("pets", "my cat and my dog"))
                .addInputs(picture)
                .setWorkflowState(
                        com.clarifai.grpc.api.WorkflowState.newBuilder().setId("init"))
                .build());

        assertEquals(
                StatusCode.MIXED_STATUS,
                results.getStatus().getCode(),
                results.getStatus().getDetails());
        assertEquals(200, clarifai.lastStatus());
        assertEquals("/v2/workflows/contract-run/results", clarifai.last().path());
        assertTrue(
                clarifai.last().body().contains("\"workflow_state\":{\"id\":\"init\"}"),
                clarifai.last().body());
        assertEquals(2, results.getResultsCount());
        assertEquals(StatusCode.SUCCESS, results.getResults(0).getStatus().getCode());
        assertEquals("pets", results.getResults(0).getInput().getId());
        assertEquals(
                ContractWorkflows.TEXT_EMBEDDER,
                results.getResults(0).getOutputs(0).getModel().getId());
        assertEquals(
                TEXT_EMBEDDER_VERSION,
                results.getResults(0).getOutputs(0).getModel().getModelVersion().getId());
        assertEquals(
                8,
                results.getResults(0).getOutputs(0).getData().getEmbeddings(0).getVectorCount());
        assertEquals(
                StatusCode.INPUT_INVALID_REQUEST,
                results.getResults(1).getStatus().getCode());
        assertEquals("contract-run", results.getWorkflow().getId());
        String state = results.getWorkflowState().getId();
        assertFalse(state.isEmpty());

        // The state comes back on the app route, pinned to the version that ran.
        PostWorkflowResultsResponse again = admin.postWorkflowResults(PostWorkflowResultsRequest.newBuilder()
                .setUserAppId(ClarifaiClient.adminApp(DEFAULT_APP))
                .setWorkflowId("contract-run")
                .setVersionId(results.getWorkflow().getVersion().getId())
                .addInputs(text("food", "pizza for dinner"))
                .setWorkflowState(
                        com.clarifai.grpc.api.WorkflowState.newBuilder().setId(state))
                .build());
        assertEquals(
                StatusCode.SUCCESS,
                again.getStatus().getCode(),
                again.getStatus().getDetails());
        assertEquals(
                "/v2/users/admin/apps/main/workflows/contract-run/versions/"
                        + results.getWorkflow().getVersion().getId() + "/results",
                clarifai.last().path());
        assertEquals(state, again.getWorkflowState().getId());
    }

    @Test
    void comparesEmbeddingsOfProbesAndPool() {
        MultiWorkflowResponse created = admin.postWorkflows(PostWorkflowsRequest.newBuilder()
                .addWorkflows(workflow(
                        "contract-similar",
                        CLASSIFY.toBuilder().setId("colours").build(),
                        EMBED_TEXT))
                .build());
        assertEquals(
                StatusCode.SUCCESS,
                created.getStatus().getCode(),
                created.getStatus().getDetails());
        List<Input> texts =
                List.of(text("probe", "my cat"), text("animals", "a dog and a bird"), text("food", "pizza and bread"));

        PostWorkflowResultsSimilarityResponse similarity =
                admin.postWorkflowResultsSimilarity(PostWorkflowResultsSimilarityRequest.newBuilder()
                        .setWorkflowId("contract-similar")
                        .setModelVersionId(TEXT_EMBEDDER_VERSION)
                        .addProbeInputs(texts.get(0))
                        .addAllPoolInputs(texts.subList(1, 3))
                        .build());

        assertEquals(
                StatusCode.SUCCESS,
                similarity.getStatus().getCode(),
                similarity.getStatus().getDetails());
        assertEquals(
                "/v2/workflows/contract-similar/results/similarity",
                clarifai.last().path());
        assertTrue(
                clarifai.last().body().contains("\"model_version_id\":\"v7\""),
                clarifai.last().body());
        assertEquals(1, similarity.getResultsCount());
        assertEquals("probe", similarity.getResults(0).getProbeInput().getId());
        assertEquals(
                List.of("animals", "food"),
                similarity.getResults(0).getPoolResultsList().stream()
                        .map(hit -> hit.getInput().getId())
                        .toList());
        float animals = similarity.getResults(0).getPoolResults(0).getScore();
        float food = similarity.getResults(0).getPoolResults(1).getScore();
        assertTrue(animals > food, animals + " > " + food);

        // The scores are cosines of the embeddings the same workflow answers for those texts.
        PostWorkflowResultsResponse embedded = admin.postWorkflowResults(PostWorkflowResultsRequest.newBuilder()
                .setWorkflowId("contract-similar")
                .addAllInputs(texts)
                .build());
        List<Float> probe =
                embedded.getResults(0).getOutputs(1).getData().getEmbeddings(0).getVectorList();
        for (int i = 0; i < 2; i++) {
            List<Float> other = embedded.getResults(i + 1)
                    .getOutputs(1)
                    .getData()
                    .getEmbeddings(0)
                    .getVectorList();
            assertEquals(
                    TestInputs.cosine(floats(probe), floats(other)),
                    similarity.getResults(0).getPoolResults(i).getScore(),
                    1e-5);
        }

        PostWorkflowResultsSimilarityResponse unknown =
                admin.postWorkflowResultsSimilarity(PostWorkflowResultsSimilarityRequest.newBuilder()
                        .setWorkflowId("contract-similar")
                        .setModelVersionId("v99")
                        .addProbeInputs(texts.get(0))
                        .addPoolInputs(texts.get(1))
                        .build());
        assertEquals(StatusCode.WORKFLOW_INVALID_ARGUMENT, unknown.getStatus().getCode());
        assertEquals(400, clarifai.lastStatus());
        assertTrue(
                unknown.getStatus().getDetails().contains("v99"),
                unknown.getStatus().getDetails());
    }

    private Workflow createWithMetadata(String id, String... keysAndValues) {
        MultiWorkflowResponse created = admin.postWorkflows(PostWorkflowsRequest.newBuilder()
                .addWorkflows(workflow(id, CLASSIFY).toBuilder().setMetadata(metadata(keysAndValues)))
                .build());
        assertEquals(
                StatusCode.SUCCESS,
                created.getStatus().getCode(),
                created.getStatus().getDetails());
        return created.getWorkflows(0);
    }

    private MultiWorkflowResponse patch(String action, Workflow.Builder workflow) {
        return admin.patchWorkflows(PatchWorkflowsRequest.newBuilder()
                .setAction(action)
                .addWorkflows(workflow)
                .build());
    }

    private Workflow get(GetWorkflowRequest.Builder request) {
        SingleWorkflowResponse answer = admin.getWorkflow(request.build());
        assertEquals(
                StatusCode.SUCCESS,
                answer.getStatus().getCode(),
                answer.getStatus().getDetails());
        return answer.getWorkflow();
    }

    private static Struct metadata(String... keysAndValues) {
        Struct.Builder struct = Struct.newBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            struct.putFields(
                    keysAndValues[i],
                    Value.newBuilder().setStringValue(keysAndValues[i + 1]).build());
        }
        return struct.build();
    }

    private static List<String> nodeIds(Workflow workflow) {
        return workflow.getNodesList().stream().map(WorkflowNode::getId).toList();
    }

    private static List<String> ids(MultiWorkflowResponse answer) {
        return answer.getWorkflowsList().stream().map(Workflow::getId).toList();
    }

    private static float[] floats(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
