package dev.runneragent.catalog;

import com.clarifai.grpc.api.FullTag;
import com.clarifai.grpc.api.ListModelsRequest;
import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.Visibility;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.protobuf.Struct;
import dev.runneragent.api.Page;
import dev.runneragent.api.ResourceKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code ListModels} over the node's models. What each parameter means on one node:
 *
 * <ul>
 *   <li>sorting: {@code sortByModifiedAt} (the default) is the model version's {@code modifiedAt}, else the
 *       model's; {@code sortByName} the name, else the id; {@code sortByNumInputs} the version's
 *       {@code totalInputCount}; ties are broken by id. {@code sortAscending} false (the default) is descending.
 *   <li>{@code modelTypeId}: equal to the model's type. {@code license}: equal to the version's, ignoring case.
 *   <li>{@code trainedOnly}: the version's status is {@code MODEL_TRAINED}; a model of the model folder without a
 *       status counts as trained, since the folder holds weights, not training jobs. It cannot be combined with
 *       {@code bookmark}, as the API documents.
 *   <li>{@code inputFields} / {@code outputFields}: every field named must be one the model takes / gives: the keys
 *       of its version's {@code inputInfo.fieldsMap} / {@code outputInfo.fieldsMap} when it has them, else those of
 *       its type ({@code visual-classifier}: {@code image} → {@code concepts}; {@code text-embedder}: {@code text}
 *       → {@code embeddings}; {@code visual-detector}: {@code image} → {@code regions[...].data.concepts}, ...). A
 *       field names its sub-fields too ({@code regions} matches {@code regions[...].data.concepts}); a leading
 *       {@code data.} is ignored and camelCase is read as snake_case.
 *   <li>{@code featuredOnly}: visibility {@code PUBLIC} (the node has no staff picks). {@code starredOnly}: the
 *       model's {@code isStarred}. {@code bookmark}: true lists only models with a {@code bookmarkOrigin}, false only
 *       those without, as the API documents.
 *   <li>{@code toolkits}, {@code useCases}, {@code languages}: the model has at least one of the values given.
 *   <li>{@code search}: a substring of id, name, description or notes. {@code query} (deprecated): words that must
 *       all occur there, {@code -word} that must not, {@code OR} between alternatives. {@code name} (deprecated): a
 *       {@code *} pattern over the id, the name and each word of the description, with
 *       {@code filterByUserId} also over the owner's user id.
 *   <li>{@code dontFetchFromMain}: nothing to do; the node has no Clarifai "main" app to mix in.
 *   <li>{@code additionalFields}: {@code stars} keeps {@code isStarred}/{@code starCount}, {@code outputs} the
 *       {@code outputInfo}, {@code presets} the presets, {@code all} everything; without them those fields are left
 *       out.
 * </ul>
 */
final class ModelListing {

    static final List<String> ADDITIONAL_FIELDS = List.of(Listings.ALL, Listings.STARS, "outputs", "presets");

    private static final ResourceKind KIND = ResourceKind.MODEL;

    /** The fields a model type takes and gives, as ListModelTypes names them. */
    private record Fields(List<String> inputs, List<String> outputs) {}

    private static final Map<String, Fields> TYPES = Map.ofEntries(
            Map.entry("visual-classifier", new Fields(List.of("image"), List.of("concepts"))),
            Map.entry(
                    "visual-detector",
                    new Fields(
                            List.of("image"),
                            List.of("regions[...].region_info.bounding_box", "regions[...].data.concepts"))),
            Map.entry(
                    "visual-segmenter",
                    new Fields(
                            List.of("image"), List.of("regions[...].region_info.mask", "regions[...].data.concepts"))),
            Map.entry("visual-embedder", new Fields(List.of("image"), List.of("embeddings"))),
            Map.entry("text-classifier", new Fields(List.of("text"), List.of("concepts"))),
            Map.entry("text-embedder", new Fields(List.of("text"), List.of("embeddings"))),
            Map.entry("text-to-text", new Fields(List.of("text"), List.of("text"))),
            Map.entry("text-to-image", new Fields(List.of("text"), List.of("image"))),
            Map.entry("image-to-text", new Fields(List.of("image"), List.of("text"))),
            Map.entry("audio-to-text", new Fields(List.of("audio"), List.of("text"))),
            Map.entry("text-to-audio", new Fields(List.of("text"), List.of("audio"))),
            Map.entry("multimodal-embedder", new Fields(List.of("image", "text"), List.of("embeddings"))),
            Map.entry("clusterer", new Fields(List.of("embeddings"), List.of("clusters"))));

    private ModelListing() {}

    /** One page of {@code visible} as the request filters, sorts and shapes it. */
    static List<Model> list(List<CatalogEntry<Model>> visible, ListModelsRequest request, Page page) {
        if (request.getTrainedOnly() && request.getBookmark()) {
            throw KIND.invalid("trainedOnly and bookmark cannot be combined: a bookmark filter lists trained and"
                    + " untrained models");
        }
        Set<String> fields = Listings.additionalFields(request.getAdditionalFieldsList(), ADDITIONAL_FIELDS, KIND);
        List<CatalogEntry<Model>> selected = visible.stream()
                .filter(filter(request))
                .sorted(Listings.order(sortKey(request), request.getSortAscending()))
                .toList();
        return page.slice(selected).stream()
                .map(e -> shaped(e.message(), fields))
                .toList();
    }

    static Predicate<CatalogEntry<Model>> filter(ListModelsRequest r) {
        Predicate<CatalogEntry<Model>> trained = e -> !r.getTrainedOnly() || trained(e);
        return trained.and(e -> matches(e.message(), r));
    }

    private static boolean matches(Model m, ListModelsRequest r) {
        return (r.getModelTypeId().isEmpty() || r.getModelTypeId().equals(m.getModelTypeId()))
                && (r.getLicense().isEmpty()
                        || r.getLicense().equalsIgnoreCase(m.getModelVersion().getLicense()))
                && (!r.getFeaturedOnly() || isPublic(m))
                && (!r.getStarredOnly() || m.getIsStarred())
                && r.getBookmark() == m.hasBookmarkOrigin()
                && hasFields(r.getInputFieldsList(), fieldsOf(m, true))
                && hasFields(r.getOutputFieldsList(), fieldsOf(m, false))
                && Listings.anyOf(r.getToolkitsList(), m.getToolkitsList())
                && Listings.anyOf(r.getUseCasesList(), m.getUseCasesList())
                && Listings.anyOf(r.getLanguagesList(), languages(m))
                && Listings.contains(r.getSearch(), m.getId(), m.getName(), m.getDescription(), m.getNotes())
                && Listings.matchesQuery(r.getQuery(), m.getId(), m.getName(), m.getDescription(), m.getNotes())
                && Listings.matchesWildcard(r.getName(), nameCandidates(m, r.getFilterByUserId()));
    }

    /** Trained: status MODEL_TRAINED, or no status at all for a model the node serves from its folder. */
    static boolean trained(CatalogEntry<Model> entry) {
        StatusCode code = entry.message().getModelVersion().getStatus().getCode();
        return code == StatusCode.MODEL_TRAINED
                || (code == StatusCode.ZERO && CatalogEntry.FROM_MODEL_FOLDER.equals(entry.source()));
    }

    static Comparator<Model> sortKey(ListModelsRequest r) {
        return switch (r.getSortByCase()) {
            case SORT_BY_NAME -> r.getSortByName() ? Listings.byText(ModelListing::name) : byModifiedAt();
            case SORT_BY_NUM_INPUTS ->
                r.getSortByNumInputs()
                        ? Listings.byNumber(m -> m.getModelVersion().getTotalInputCount())
                        : byModifiedAt();
            case SORT_BY_CREATED_AT -> r.getSortByCreatedAt() ? Listings.byTime(Model::getCreatedAt) : byModifiedAt();
            case SORT_BY_STAR_COUNT -> r.getSortByStarCount() ? Listings.byNumber(Model::getStarCount) : byModifiedAt();
            default -> byModifiedAt();
        };
    }

    private static Comparator<Model> byModifiedAt() {
        return Listings.byTime(
                m -> m.getModelVersion().hasModifiedAt() ? m.getModelVersion().getModifiedAt() : m.getModifiedAt());
    }

    /** The model as the list shows it: without the fields that need an additional field the request lacks. */
    static Model shaped(Model model, Set<String> fields) {
        Model.Builder shaped = model.toBuilder();
        if (!Listings.wants(fields, Listings.STARS)) {
            shaped.clearIsStarred().clearStarCount();
        }
        if (!Listings.wants(fields, "outputs")) {
            shaped.clearOutputInfo();
            if (shaped.hasModelVersion()) {
                shaped.getModelVersionBuilder().clearOutputInfo();
            }
        }
        if (!Listings.wants(fields, "presets")) {
            shaped.clearPresets();
        }
        return shaped.build();
    }

    private static String name(Model m) {
        return m.getName().isEmpty() ? m.getId() : m.getName();
    }

    private static boolean isPublic(Model m) {
        Visibility visibility =
                m.hasVisibility() ? m.getVisibility() : m.getModelVersion().getVisibility();
        return visibility.getGettable() == Visibility.Gettable.PUBLIC;
    }

    private static List<String> languages(Model m) {
        List<String> languages = new ArrayList<>(m.getLanguagesList());
        m.getLanguagesFullList().stream().map(FullTag::getId).forEach(languages::add);
        return languages;
    }

    private static List<String> nameCandidates(Model m, boolean withUserId) {
        List<String> candidates = new ArrayList<>(List.of(m.getId(), m.getName()));
        candidates.addAll(Listings.words(m.getDescription()));
        if (withUserId) {
            candidates.add(m.getUserId());
        }
        return candidates;
    }

    /** The fields {@code m} takes ({@code inputs}) or gives, from its version's fields map or else its type. */
    static List<String> fieldsOf(Model m, boolean inputs) {
        Struct map = inputs
                ? m.getModelVersion().getInputInfo().getFieldsMap()
                : (m.getModelVersion().hasOutputInfo() ? m.getModelVersion().getOutputInfo() : m.getOutputInfo())
                        .getFieldsMap();
        if (map.getFieldsCount() > 0) {
            return List.copyOf(map.getFieldsMap().keySet());
        }
        Fields type = TYPES.get(m.getModelTypeId());
        if (type == null) {
            return List.of();
        }
        return inputs ? type.inputs() : type.outputs();
    }

    private static boolean hasFields(List<String> wanted, List<String> have) {
        return wanted.stream().allMatch(w -> have.stream().anyMatch(h -> fieldMatches(normal(w), normal(h))));
    }

    private static boolean fieldMatches(String wanted, String have) {
        return have.equals(wanted) || have.startsWith(wanted + "[") || have.startsWith(wanted + ".");
    }

    /** snake_case, without a leading {@code data.}: {@code data.regionInfo} is {@code region_info}. */
    private static String normal(String field) {
        String snake = field.trim().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        return snake.startsWith("data.") ? snake.substring("data.".length()) : snake;
    }
}
