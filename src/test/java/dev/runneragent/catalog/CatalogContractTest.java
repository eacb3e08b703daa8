package dev.runneragent.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.Dataset;
import com.clarifai.grpc.api.EvalMetrics;
import com.clarifai.grpc.api.ListDatasetsRequest;
import com.clarifai.grpc.api.ListEvaluationsRequest;
import com.clarifai.grpc.api.ListModelsRequest;
import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.MultiDatasetResponse;
import com.clarifai.grpc.api.MultiEvalMetricsResponse;
import com.clarifai.grpc.api.MultiModelResponse;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.protobuf.Timestamp;
import dev.runneragent.contract.ClarifaiClient;
import dev.runneragent.contract.ContractTest;
import dev.runneragent.store.Sql;
import dev.runneragent.testing.TestNode;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * ListModels, ListDatasets and ListEvaluations through Clarifai's Java client, over the test model folder and
 * {@code src/test/resources/catalog/import.json}. Without {@code user_app_id} the client picks the user-level route
 * {@code /v2/users/me/...}. Only scalar parameters are used: the client cannot put a repeated field
 * ({@code additional_fields}, {@code eval_dataset_ids}, ...) in a GET query; it throws "Cannot convert type for get
 * params: class JsonArray" before sending anything. So stars ({@code additional_fields=stars}) never come back here.
 */
@QuarkusTest
class CatalogContractTest extends ContractTest {

    static final String COLOUR = "colour-classifier";
    static final String TEXT = "text-embedder";
    static final String VISUAL_CLASSIFIER = "visual-classifier";
    static final String TEXT_EMBEDDER_TYPE = "text-embedder";
    static final String VISUAL_DETECTOR = "visual-detector";

    static final String BIRDS = "birds";
    static final String CATS = "cats";
    static final String COLOUR_TRAIN = "colour-train";
    static final String COLOUR_TEST = "colour-test";

    static final String COLOUR_EVAL = "colour-eval";
    static final String BIRDS_EVAL = "eval-birds";
    static final String SENTIMENT_EVAL = "eval-sentiment";
    static final String BROKEN_EVAL = "eval-broken";

    static final String MAIN_APP = "main";
    static final int TOO_MANY = 1001;

    /** ListDatasets needs these (cl_depending_scopes of clarifai-grpc 10.3.3). */
    static final String[] READ_DATASETS = {"Apps:Get", "Datasets:Get", "SavedSearch:Get"};

    @Test
    void listsTheNodesModelsLatestModifiedFirst() {
        MultiModelResponse answer = admin.listModels(ListModelsRequest.getDefaultInstance());

        assertEquals("GET /v2/users/me/models 200", sent(clarifai));
        assertSuccess(answer.getStatus());
        assertEquals(List.of(COLOUR, TEXT), modelIds(answer));
        Model colour = answer.getModels(0);
        assertEquals("Colour classifier", colour.getName());
        assertEquals(VISUAL_CLASSIFIER, colour.getModelTypeId());
        assertEquals("v1", colour.getModelVersion().getId());
        assertEquals(120, colour.getModelVersion().getTotalInputCount());
        assertEquals(0, colour.getStarCount(), "stars need additional_fields, which the client cannot send");
        assertEquals(TEXT_EMBEDDER_TYPE, answer.getModels(1).getModelTypeId());
    }

    @Test
    void pagesModels() {
        MultiModelResponse second = admin.listModels(
                ListModelsRequest.newBuilder().setPage(2).setPerPage(1).build());
        assertEquals("GET /v2/users/me/models?page=2&per_page=1 200", sent(clarifai));
        MultiModelResponse third = admin.listModels(
                ListModelsRequest.newBuilder().setPage(3).setPerPage(1).build());

        assertSuccess(second.getStatus());
        assertEquals(List.of(TEXT), modelIds(second));
        assertSuccess(third.getStatus());
        assertEquals(List.of(), modelIds(third));
    }

    @Test
    void sortsModelsByCreationBothWays() {
        MultiModelResponse descending = admin.listModels(
                ListModelsRequest.newBuilder().setSortByCreatedAt(true).build());
        assertEquals("GET /v2/users/me/models?sort_by_created_at=true 200", sent(clarifai));
        MultiModelResponse ascending = admin.listModels(ListModelsRequest.newBuilder()
                .setSortByCreatedAt(true)
                .setSortAscending(true)
                .build());
        assertEquals("GET /v2/users/me/models?sort_ascending=true&sort_by_created_at=true 200", sent(clarifai));

        assertEquals(List.of(TEXT, COLOUR), modelIds(descending));
        assertEquals(List.of(COLOUR, TEXT), modelIds(ascending));
    }

    @Test
    void filtersModelsByType() {
        MultiModelResponse embedders = admin.listModels(ListModelsRequest.newBuilder()
                .setModelTypeId(TEXT_EMBEDDER_TYPE)
                .build());
        assertEquals("GET /v2/users/me/models?model_type_id=text-embedder 200", sent(clarifai));
        MultiModelResponse detectors = admin.listModels(
                ListModelsRequest.newBuilder().setModelTypeId(VISUAL_DETECTOR).build());

        assertSuccess(embedders.getStatus());
        assertEquals(List.of(TEXT), modelIds(embedders));
        assertSuccess(detectors.getStatus());
        assertEquals(List.of(), modelIds(detectors), "no model of the node is a detector");
    }

    @Test
    void refusesTooLargeModelPage() {
        MultiModelResponse answer = admin.listModels(
                ListModelsRequest.newBuilder().setPerPage(TOO_MANY).build());

        assertEquals("GET /v2/users/me/models?per_page=1001 400", sent(clarifai));
        assertTooLargePage(StatusCode.MODEL_INVALID_ARGUMENT, answer.getStatus());
        assertEquals(0, answer.getModelsCount());
    }

    @Test
    void listsOwnAndNodeDatasetsLatestModifiedFirst() {
        MultiDatasetResponse answer = admin.listDatasets(ListDatasetsRequest.getDefaultInstance());

        assertEquals("GET /v2/users/me/datasets 200", sent(clarifai));
        assertSuccess(answer.getStatus());
        assertEquals(List.of(COLOUR_TRAIN, BIRDS, CATS, COLOUR_TEST), datasetIds(answer));
        assertEquals(
                Dataset.newBuilder()
                        .setId(BIRDS)
                        .setAppId(MAIN_APP)
                        .setUserId(TestNode.ADMIN)
                        .setDescription("Bird photos")
                        .setNotes("Field survey")
                        .setCreatedAt(time("2024-01-10T00:00:00Z"))
                        .setModifiedAt(time("2024-03-10T00:00:00Z"))
                        .build(),
                answer.getDatasets(1),
                "the imported dataset, without isStarred/starCount (no additional_fields)");
    }

    @Test
    void pagesDatasetsSortedByIdBothWays() {
        MultiDatasetResponse descending = admin.listDatasets(ListDatasetsRequest.newBuilder()
                .setPage(2)
                .setPerPage(2)
                .setSortById(true)
                .build());
        assertEquals("GET /v2/users/me/datasets?page=2&per_page=2&sort_by_id=true 200", sent(clarifai));
        MultiDatasetResponse ascending = admin.listDatasets(ListDatasetsRequest.newBuilder()
                .setPage(2)
                .setPerPage(2)
                .setSortById(true)
                .setSortAscending(true)
                .build());

        assertSuccess(descending.getStatus());
        assertEquals(List.of(CATS, BIRDS), datasetIds(descending));
        assertEquals(List.of(COLOUR_TEST, COLOUR_TRAIN), datasetIds(ascending));
    }

    @Test
    void searchesDatasetsAndKeepsStarredOnes() {
        MultiDatasetResponse swatches = admin.listDatasets(
                ListDatasetsRequest.newBuilder().setSearch("swatches").build());
        assertEquals("GET /v2/users/me/datasets?search=swatches 200", sent(clarifai));
        MultiDatasetResponse starred = admin.listDatasets(
                ListDatasetsRequest.newBuilder().setStarredOnly(true).build());
        assertEquals("GET /v2/users/me/datasets?starred_only=true 200", sent(clarifai));

        assertEquals(List.of(COLOUR_TRAIN, COLOUR_TEST), datasetIds(swatches));
        assertEquals(List.of(BIRDS), datasetIds(starred));
    }

    @Test
    void appKeySeesDatasetsOfItsAppAndTheNodes() {
        String key = clarifai.newAppKey(MAIN_APP, "catalog contract datasets", READ_DATASETS);

        MultiDatasetResponse answer = clarifai.withKey(key).listDatasets(ListDatasetsRequest.getDefaultInstance());

        assertEquals("GET /v2/users/me/datasets 200", sent(clarifai));
        assertSuccess(answer.getStatus());
        assertEquals(List.of(COLOUR_TRAIN, BIRDS, COLOUR_TEST), datasetIds(answer), "cats is in app pets");
    }

    @Test
    void refusesTooLargeDatasetPage() {
        MultiDatasetResponse answer = admin.listDatasets(
                ListDatasetsRequest.newBuilder().setPerPage(TOO_MANY).build());

        assertEquals("GET /v2/users/me/datasets?per_page=1001 400", sent(clarifai));
        assertTooLargePage(StatusCode.BAD_REQUEST, answer.getStatus());
        assertEquals(0, answer.getDatasetsCount());
    }

    @Test
    void listsEvaluationsNewestModelVersionFirstWithoutFailures() {
        MultiEvalMetricsResponse answer = admin.listEvaluations(ListEvaluationsRequest.getDefaultInstance());

        assertEquals("GET /v2/users/me/evaluations 200", sent(clarifai));
        assertSuccess(answer.getStatus());
        assertEquals(List.of(SENTIMENT_EVAL, BIRDS_EVAL, COLOUR_EVAL), evaluationIds(answer));
        EvalMetrics colour = answer.getEvalMetrics(2);
        assertEquals(StatusCode.MODEL_EVALUATED, colour.getStatus().getCode());
        assertEquals(COLOUR, colour.getModel().getId());
        assertEquals("v1", colour.getModel().getModelVersion().getId());
        assertEquals(COLOUR_TEST, colour.getGroundTruthDataset().getId());
        assertEquals(0.95f, colour.getSummary().getMacroAvgRocAuc());
    }

    @Test
    void filtersEvaluationsByModelTypeWithAndWithoutFailures() {
        MultiEvalMetricsResponse succeeded = admin.listEvaluations(ListEvaluationsRequest.newBuilder()
                .setModelTypeId(VISUAL_DETECTOR)
                .build());
        assertEquals("GET /v2/users/me/evaluations?model_type_id=visual-detector 200", sent(clarifai));
        MultiEvalMetricsResponse all = admin.listEvaluations(ListEvaluationsRequest.newBuilder()
                .setModelTypeId(VISUAL_DETECTOR)
                .setShowFailedMetrics(true)
                .build());
        assertEquals(
                "GET /v2/users/me/evaluations?model_type_id=visual-detector&show_failed_metrics=true 200",
                sent(clarifai));

        assertEquals(List.of(BIRDS_EVAL), evaluationIds(succeeded));
        assertEquals(List.of(BROKEN_EVAL, BIRDS_EVAL), evaluationIds(all));
        assertEquals(
                StatusCode.MODEL_EVALUATION_FAILED,
                all.getEvalMetrics(0).getStatus().getCode());
    }

    @Test
    void pagesEvaluationsSortedByRocAucBothWays() {
        MultiEvalMetricsResponse descending = admin.listEvaluations(
                ListEvaluationsRequest.newBuilder().setSortByRocAuc(true).build());
        assertEquals("GET /v2/users/me/evaluations?sort_by_roc_auc=true 200", sent(clarifai));
        MultiEvalMetricsResponse ascendingSecondPage = admin.listEvaluations(ListEvaluationsRequest.newBuilder()
                .setPage(2)
                .setPerPage(2)
                .setSortByRocAuc(true)
                .setSortAscending(true)
                .build());
        assertEquals(
                "GET /v2/users/me/evaluations?page=2&per_page=2&sort_ascending=true&sort_by_roc_auc=true 200",
                sent(clarifai));

        assertEquals(List.of(COLOUR_EVAL, SENTIMENT_EVAL, BIRDS_EVAL), evaluationIds(descending));
        assertEquals(List.of(COLOUR_EVAL), evaluationIds(ascendingSecondPage));
    }

    @Test
    void refusesTooLargeEvaluationPage() {
        MultiEvalMetricsResponse answer = admin.listEvaluations(
                ListEvaluationsRequest.newBuilder().setPerPage(TOO_MANY).build());

        assertEquals("GET /v2/users/me/evaluations?per_page=1001 400", sent(clarifai));
        assertTooLargePage(StatusCode.EVALUATION_INVALID_ARGUMENT, answer.getStatus());
        assertEquals(0, answer.getEvalMetricsCount());
    }

    /**
     * The last exchange as {@code METHOD path[?query] httpStatus}: the route, query and status in one line. The
     * query parameters are sorted by name: the client collects them in a {@code HashMap}
     * ({@code ClarifaiHttpClient.Default.encodeGetParameters}), so their order on the wire (for example
     * {@code per_page=1&page=2}) means nothing.
     */
    static String sent(ClarifaiClient clarifai) {
        ClarifaiClient.Exchange last = clarifai.last();
        String query = last.query().isEmpty()
                ? ""
                : "?" + Arrays.stream(last.query().split("&")).sorted().collect(Collectors.joining("&"));
        return last.method() + " " + last.path() + query + " " + last.status();
    }

    static void assertSuccess(Status status) {
        assertEquals(StatusCode.SUCCESS, status.getCode(), status.getDetails());
    }

    /** The answer to {@code per_page=1001}: the kind's invalid-argument code, naming the parameter and the value. */
    static void assertTooLargePage(StatusCode expected, Status status) {
        assertEquals(expected, status.getCode(), status.getDetails());
        assertTrue(status.getDetails().contains("perPage"), status.getDetails());
        assertTrue(status.getDetails().contains(String.valueOf(TOO_MANY)), status.getDetails());
    }

    static Timestamp time(String rfc3339) {
        return Sql.timestamp(Instant.parse(rfc3339));
    }

    private static List<String> modelIds(MultiModelResponse answer) {
        return answer.getModelsList().stream().map(Model::getId).toList();
    }

    private static List<String> datasetIds(MultiDatasetResponse answer) {
        return answer.getDatasetsList().stream().map(Dataset::getId).toList();
    }

    private static List<String> evaluationIds(MultiEvalMetricsResponse answer) {
        return answer.getEvalMetricsList().stream().map(EvalMetrics::getId).toList();
    }
}
