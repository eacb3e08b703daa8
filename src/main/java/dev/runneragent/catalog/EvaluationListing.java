package dev.runneragent.catalog;

import com.clarifai.grpc.api.Concept;
import com.clarifai.grpc.api.EvalMetrics;
import com.clarifai.grpc.api.ListEvaluationsRequest;
import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.api.Page;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code ListEvaluations} over the evaluation metrics of the node's models and the user's imported ones. What each
 * parameter means:
 *
 * <ul>
 *   <li>sorting: {@code sortByRocAuc}, {@code F1}, {@code Precision}, {@code Recall} and {@code MeanAvgPrecision}
 *       are {@code summary.macroAvgRocAuc}, {@code macroAvgF1Score}, {@code macroAvgPrecision},
 *       {@code macroAvgRecall} and {@code meanAvgPrecisionIou50}; {@code sortByAppId} the evaluation's app;
 *       {@code sortByModelId} {@code model.id}; {@code sortByEvalDatasetId} {@code groundTruthDataset.id};
 *       {@code sortByTrainDatasetId} {@code model.modelVersion.trainInfo.dataset.id}. {@code sortByCreatedAt} (the
 *       default) uses the evaluated model version's {@code createdAt}, since EvalMetrics has no time of its own.
 *       Ties are broken by id; {@code sortAscending} false (the default) is descending.
 *   <li>{@code modelTypeId}: equal to {@code model.modelTypeId}. {@code evalDatasetIds}, {@code trainDatasetIds}:
 *       the evaluation's ground-truth / training dataset is one of them. {@code conceptIds}: the evaluated model
 *       version's {@code outputInfo} has at least one of them.
 *   <li>{@code showFailedMetrics}: without it, evaluations whose {@code status} is a failure
 *       ({@code MODEL_EVALUATION_FAILED}, {@code EVALUATION_FAILED}, timed out, missing labels or inputs, ...) are
 *       left out.
 * </ul>
 */
final class EvaluationListing {

    /** The statuses of an evaluation that did not produce metrics. */
    static final Set<StatusCode> FAILED = EnumSet.of(
            StatusCode.FAILURE,
            StatusCode.MODEL_EVALUATION_FAILED,
            StatusCode.MODEL_EVALUATION_TIMED_OUT,
            StatusCode.MODEL_EVALUATION_WAITING_ERROR,
            StatusCode.MODEL_EVALUATION_UNKNOWN_ERROR,
            StatusCode.MODEL_EVALUATION_NEED_LABELS,
            StatusCode.MODEL_EVALUATION_NEED_INPUTS,
            StatusCode.EVALUATION_FAILED,
            StatusCode.EVALUATION_FAILED_TO_RETRIEVE_DATA);

    private EvaluationListing() {}

    /** One page of {@code visible} as the request filters and sorts it. */
    static List<EvalMetrics> list(List<CatalogEntry<EvalMetrics>> visible, ListEvaluationsRequest request, Page page) {
        List<CatalogEntry<EvalMetrics>> selected = visible.stream()
                .filter(e -> matches(e.message(), request))
                .sorted(Listings.order(sortKey(request), request.getSortAscending()))
                .toList();
        return page.slice(selected).stream().map(CatalogEntry::message).toList();
    }

    static boolean matches(EvalMetrics e, ListEvaluationsRequest r) {
        return (r.getShowFailedMetrics() || !FAILED.contains(e.getStatus().getCode()))
                && (r.getModelTypeId().isEmpty()
                        || r.getModelTypeId().equals(e.getModel().getModelTypeId()))
                && Listings.anyOf(r.getEvalDatasetIdsList(), List.of(evalDatasetId(e)))
                && Listings.anyOf(r.getTrainDatasetIdsList(), List.of(trainDatasetId(e)))
                && Listings.anyOf(r.getConceptIdsList(), conceptIds(e.getModel()));
    }

    static Comparator<EvalMetrics> sortKey(ListEvaluationsRequest r) {
        Comparator<EvalMetrics> byCreatedAt = Listings.byTime(CatalogKind.EVALUATION.createdOf());
        return switch (r.getSortByCase()) {
            case SORT_BY_APP_ID -> r.getSortByAppId() ? Listings.byText(EvalMetrics::getAppId) : byCreatedAt;
            case SORT_BY_ROC_AUC ->
                r.getSortByRocAuc() ? Listings.byNumber(e -> e.getSummary().getMacroAvgRocAuc()) : byCreatedAt;
            case SORT_BY_F1 ->
                r.getSortByF1() ? Listings.byNumber(e -> e.getSummary().getMacroAvgF1Score()) : byCreatedAt;
            case SORT_BY_MEAN_AVG_PRECISION ->
                r.getSortByMeanAvgPrecision()
                        ? Listings.byNumber(e -> e.getSummary().getMeanAvgPrecisionIou50())
                        : byCreatedAt;
            case SORT_BY_PRECISION ->
                r.getSortByPrecision() ? Listings.byNumber(e -> e.getSummary().getMacroAvgPrecision()) : byCreatedAt;
            case SORT_BY_RECALL ->
                r.getSortByRecall() ? Listings.byNumber(e -> e.getSummary().getMacroAvgRecall()) : byCreatedAt;
            case SORT_BY_MODEL_ID ->
                r.getSortByModelId() ? Listings.byText(e -> e.getModel().getId()) : byCreatedAt;
            case SORT_BY_EVAL_DATASET_ID ->
                r.getSortByEvalDatasetId() ? Listings.byText(EvaluationListing::evalDatasetId) : byCreatedAt;
            case SORT_BY_TRAIN_DATASET_ID ->
                r.getSortByTrainDatasetId() ? Listings.byText(EvaluationListing::trainDatasetId) : byCreatedAt;
            default -> byCreatedAt;
        };
    }

    private static String evalDatasetId(EvalMetrics e) {
        return e.getGroundTruthDataset().getId();
    }

    private static String trainDatasetId(EvalMetrics e) {
        return e.getModel().getModelVersion().getTrainInfo().getDataset().getId();
    }

    private static List<String> conceptIds(Model model) {
        List<String> ids = new ArrayList<>();
        model.getModelVersion().getOutputInfo().getData().getConceptsList().stream()
                .map(Concept::getId)
                .forEach(ids::add);
        model.getOutputInfo().getData().getConceptsList().stream()
                .map(Concept::getId)
                .forEach(ids::add);
        return ids;
    }
}
