package dev.runneragent.catalog;

import com.clarifai.grpc.api.AppDuplication;
import com.clarifai.grpc.api.Collaboration;
import com.clarifai.grpc.api.Dataset;
import com.clarifai.grpc.api.EvalMetrics;
import com.clarifai.grpc.api.GetAppDuplicationRequest;
import com.clarifai.grpc.api.ListAppDuplicationsRequest;
import com.clarifai.grpc.api.ListCollaborationsRequest;
import com.clarifai.grpc.api.ListDatasetsRequest;
import com.clarifai.grpc.api.ListEvaluationsRequest;
import com.clarifai.grpc.api.ListModelsRequest;
import com.clarifai.grpc.api.ListModulesRequest;
import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.Module;
import com.clarifai.grpc.api.MultiAppDuplicationsResponse;
import com.clarifai.grpc.api.MultiCollaborationsResponse;
import com.clarifai.grpc.api.MultiDatasetResponse;
import com.clarifai.grpc.api.MultiEvalMetricsResponse;
import com.clarifai.grpc.api.MultiModelResponse;
import com.clarifai.grpc.api.MultiModuleResponse;
import com.clarifai.grpc.api.SingleAppDuplicationResponse;
import com.google.protobuf.Message;
import dev.runneragent.api.Caller;
import dev.runneragent.api.Page;
import dev.runneragent.api.ResourceKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The user-level list endpoints. Each lists what the store holds for the caller's user plus the node-wide entries
 * (models, datasets and evaluations of the model folder); an app key sees only entries of its apps and the
 * node-wide ones. Models and evaluations are in {@link ModelListing} and {@link EvaluationListing}. Datasets and
 * modules:
 *
 * <ul>
 *   <li>sorting: {@code sortByModifiedAt} (the default), {@code sortByCreatedAt}, {@code sortByStarCount},
 *       {@code sortById}; ties by id; {@code sortAscending} false (the default) is descending.
 *   <li>{@code starredOnly}: {@code isStarred}. {@code bookmark}: true lists only entries with a
 *       {@code bookmarkOrigin}, false only those without, as the API documents.
 *   <li>{@code search}: a substring of the id, description or notes (a module's are its version's). The deprecated
 *       {@code id} of datasets is a substring of the id; the deprecated {@code name} of modules a {@code *} pattern
 *       over the id and each word of the description, with {@code filterByUserId} also over the owner.
 *   <li>{@code additionalFields}: {@code stars} (or {@code all}) keeps {@code isStarred}/{@code starCount}, which
 *       are otherwise left out.
 * </ul>
 *
 * Collaborations are newest first; {@code templateOnly} keeps those whose app is a template
 * ({@code app.isTemplate}). App duplications are newest first.
 */
@ApplicationScoped
public class CatalogService {

    static final List<String> STARS_ONLY = List.of(Listings.ALL, Listings.STARS);

    @Inject
    CatalogStore store;

    public MultiModelResponse listModels(Caller caller, ListModelsRequest request) {
        String userId = caller.user(request.getUserAppId(), ResourceKind.MODEL);
        Page page = Page.of(request.getPage(), request.getPerPage(), ResourceKind.MODEL);
        List<Model> models = ModelListing.list(visible(caller, userId, CatalogKind.MODEL), request, page);
        return MultiModelResponse.newBuilder().addAllModels(models).build();
    }

    public MultiEvalMetricsResponse listEvaluations(Caller caller, ListEvaluationsRequest request) {
        String userId = caller.user(request.getUserAppId(), ResourceKind.EVALUATION);
        Page page = Page.of(request.getPage(), request.getPerPage(), ResourceKind.EVALUATION);
        List<EvalMetrics> found =
                EvaluationListing.list(visible(caller, userId, CatalogKind.EVALUATION), request, page);
        return MultiEvalMetricsResponse.newBuilder().addAllEvalMetrics(found).build();
    }

    public MultiDatasetResponse listDatasets(Caller caller, ListDatasetsRequest r) {
        ResourceKind kind = ResourceKind.GENERIC;
        String userId = caller.user(r.getUserAppId(), kind);
        Page page = Page.of(r.getPage(), r.getPerPage(), kind);
        Set<String> fields = Listings.additionalFields(r.getAdditionalFieldsList(), STARS_ONLY, kind);
        Predicate<Dataset> filter = d -> (!r.getStarredOnly() || d.getIsStarred())
                && r.getBookmark() == d.hasBookmarkOrigin()
                && Listings.contains(r.getSearch(), d.getId(), d.getDescription(), d.getNotes())
                && Listings.contains(r.getId(), d.getId());
        Comparator<Dataset> byModified = Listings.byTime(Dataset::getModifiedAt);
        Comparator<Dataset> key = switch (r.getSortByCase()) {
            case SORT_BY_CREATED_AT -> r.getSortByCreatedAt() ? Listings.byTime(Dataset::getCreatedAt) : byModified;
            case SORT_BY_STAR_COUNT -> r.getSortByStarCount() ? Listings.byNumber(Dataset::getStarCount) : byModified;
            case SORT_BY_ID -> r.getSortById() ? Listings.byText(Dataset::getId) : byModified;
            default -> byModified;
        };
        List<Dataset> found =
                select(visible(caller, userId, CatalogKind.DATASET), filter, key, r.getSortAscending(), page);
        return MultiDatasetResponse.newBuilder()
                .addAllDatasets(Listings.withStarsIfWanted(found, fields))
                .build();
    }

    public MultiModuleResponse listModules(Caller caller, ListModulesRequest r) {
        ResourceKind kind = ResourceKind.MODULE;
        String userId = caller.user(r.getUserAppId(), kind);
        Page page = Page.of(r.getPage(), r.getPerPage(), kind);
        Set<String> fields = Listings.additionalFields(r.getAdditionalFieldsList(), STARS_ONLY, kind);
        Predicate<Module> filter = m -> (!r.getStarredOnly() || m.getIsStarred())
                && r.getBookmark() == m.hasBookmarkOrigin()
                && Listings.contains(
                        r.getSearch(),
                        m.getId(),
                        m.getDescription(),
                        m.getModuleVersion().getDescription(),
                        m.getModuleVersion().getNotes())
                && Listings.matchesWildcard(r.getName(), nameCandidates(m, r.getFilterByUserId()));
        Comparator<Module> byModified = Listings.byTime(Module::getModifiedAt);
        Comparator<Module> key = switch (r.getSortByCase()) {
            case SORT_BY_CREATED_AT -> r.getSortByCreatedAt() ? Listings.byTime(Module::getCreatedAt) : byModified;
            case SORT_BY_STAR_COUNT -> r.getSortByStarCount() ? Listings.byNumber(Module::getStarCount) : byModified;
            case SORT_BY_ID -> r.getSortById() ? Listings.byText(Module::getId) : byModified;
            default -> byModified;
        };
        List<Module> found =
                select(visible(caller, userId, CatalogKind.MODULE), filter, key, r.getSortAscending(), page);
        return MultiModuleResponse.newBuilder()
                .addAllModules(Listings.withStarsIfWanted(found, fields))
                .build();
    }

    public MultiCollaborationsResponse listCollaborations(Caller caller, ListCollaborationsRequest r) {
        ResourceKind kind = ResourceKind.GENERIC;
        String userId = caller.user(r.getUserAppId(), kind);
        Page page = Page.of(r.getPage(), r.getPerPage(), kind);
        List<Collaboration> found = select(
                visible(caller, userId, CatalogKind.COLLABORATION),
                c -> !r.getTemplateOnly() || c.getApp().getIsTemplate().getValue(),
                Listings.byTime(Collaboration::getCreatedAt),
                false,
                page);
        return MultiCollaborationsResponse.newBuilder()
                .addAllCollaborations(found)
                .build();
    }

    public MultiAppDuplicationsResponse listAppDuplications(Caller caller, ListAppDuplicationsRequest r) {
        ResourceKind kind = ResourceKind.APP_DUPLICATION;
        String userId = caller.user(r.getUserAppId(), kind);
        Page page = Page.of(r.getPage(), r.getPerPage(), kind);
        List<AppDuplication> found = select(
                visible(caller, userId, CatalogKind.APP_DUPLICATION),
                d -> true,
                Listings.byTime(AppDuplication::getCreatedAt),
                false,
                page);
        return MultiAppDuplicationsResponse.newBuilder()
                .addAllAppDuplications(found)
                .build();
    }

    public SingleAppDuplicationResponse getAppDuplication(Caller caller, GetAppDuplicationRequest request) {
        ResourceKind kind = ResourceKind.APP_DUPLICATION;
        String userId = caller.user(request.getUserAppId(), kind);
        String id = request.getAppDuplicationId();
        AppDuplication found = store.find(CatalogKind.APP_DUPLICATION, userId, id)
                .filter(entry -> Listings.visible(entry, caller))
                .map(CatalogEntry::message)
                .orElseThrow(() -> kind.notFound("app duplication '" + id + "' does not exist"));
        return SingleAppDuplicationResponse.newBuilder()
                .setAppDuplication(found)
                .build();
    }

    private <M extends Message> List<CatalogEntry<M>> visible(Caller caller, String userId, CatalogKind<M> kind) {
        return store.visibleTo(kind, userId).stream()
                .filter(entry -> Listings.visible(entry, caller))
                .toList();
    }

    private static <M extends Message> List<M> select(
            List<CatalogEntry<M>> entries, Predicate<M> filter, Comparator<M> key, boolean ascending, Page page) {
        List<CatalogEntry<M>> selected = entries.stream()
                .filter(e -> filter.test(e.message()))
                .sorted(Listings.order(key, ascending))
                .toList();
        return page.slice(selected).stream().map(CatalogEntry::message).toList();
    }

    private static List<String> nameCandidates(Module m, boolean withUserId) {
        List<String> candidates = new ArrayList<>(List.of(m.getId()));
        candidates.addAll(Listings.words(m.getDescription()));
        if (withUserId) {
            candidates.add(m.getUserId());
        }
        return candidates;
    }
}
