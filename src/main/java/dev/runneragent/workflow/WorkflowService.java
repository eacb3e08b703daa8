package dev.runneragent.workflow;

import com.clarifai.grpc.api.DeleteWorkflowRequest;
import com.clarifai.grpc.api.DeleteWorkflowsRequest;
import com.clarifai.grpc.api.GetWorkflowRequest;
import com.clarifai.grpc.api.IdUpdateSource;
import com.clarifai.grpc.api.ListWorkflowsRequest;
import com.clarifai.grpc.api.MultiWorkflowResponse;
import com.clarifai.grpc.api.PatchWorkflowIdsRequest;
import com.clarifai.grpc.api.PatchWorkflowsRequest;
import com.clarifai.grpc.api.PostWorkflowsRequest;
import com.clarifai.grpc.api.SingleWorkflowResponse;
import com.clarifai.grpc.api.Workflow;
import com.clarifai.grpc.api.status.BaseResponse;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.gson.JsonObject;
import dev.runneragent.api.ApiException;
import dev.runneragent.api.Caller;
import dev.runneragent.api.JsonPatcher.Action;
import dev.runneragent.api.Page;
import dev.runneragent.api.PatchBody;
import dev.runneragent.api.ResourceKind;
import dev.runneragent.store.Db;
import dev.runneragent.store.StoreException;
import dev.runneragent.workflow.WorkflowStore.Stored;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The workflow endpoints: create, list, get, patch (and rename), delete. Versions are in {@link VersionService}. */
@ApplicationScoped
public class WorkflowService {

    private static final ResourceKind KIND = ResourceKind.WORKFLOW;

    @Inject
    Db db;

    @Inject
    WorkflowStore store;

    @Inject
    VersionStore versionStore;

    @Inject
    Workflows workflows;

    public MultiWorkflowResponse postWorkflows(Caller caller, PostWorkflowsRequest request) {
        String userId = caller.user(request.getUserAppId(), KIND);
        String appId = caller.app(request.getUserAppId(), KIND);
        if (request.getWorkflowsCount() == 0) {
            throw KIND.invalid("workflows must hold at least one workflow");
        }
        Set<String> ids = new HashSet<>();
        List<Workflow> created = new ArrayList<>();
        for (int i = 0; i < request.getWorkflowsCount(); i++) {
            Workflow requested = request.getWorkflows(i);
            WorkflowValidator.checkId(requested.getId(), "workflows[" + i + "].id");
            if (!ids.add(requested.getId())) {
                throw duplicate(requested.getId());
            }
            created.add(workflows.fresh(userId, appId, requested));
        }
        return insertAll(created);
    }

    public MultiWorkflowResponse listWorkflows(Caller caller, ListWorkflowsRequest request, boolean allApps) {
        String userId = caller.user(request.getUserAppId(), KIND);
        String appId = allApps
                        && caller.isPersonal()
                        && request.getUserAppId().getAppId().isEmpty()
                ? null
                : caller.app(request.getUserAppId(), KIND);
        List<String> terms = Stream.of(
                        request.getSearch(), request.getQuery(), request.getSearchTerm(), request.getId())
                .filter(term -> !term.isBlank())
                .toList();
        WorkflowStore.Filter filter = new WorkflowStore.Filter(
                userId,
                appId,
                request.getStarredOnly(),
                request.getFeaturedOnly(),
                request.getBookmark(),
                terms,
                sort(request),
                request.getSortAscending(),
                Page.of(request.getPage(), request.getPerPage(), KIND));
        boolean stars = Workflows.wantsStars(request.getAdditionalFieldsList());
        List<Workflow> found = store.list(filter).stream()
                .map(stored -> Workflows.withAdditionalFields(stored.workflow(), stars))
                .toList();
        return MultiWorkflowResponse.newBuilder().addAllWorkflows(found).build();
    }

    public SingleWorkflowResponse getWorkflow(Caller caller, GetWorkflowRequest request) {
        Stored stored = workflows.find(caller, request.getUserAppId(), request.getWorkflowId());
        boolean stars = Workflows.wantsStars(request.getAdditionalFieldsList());
        return SingleWorkflowResponse.newBuilder()
                .setWorkflow(Workflows.withAdditionalFields(stored.workflow(), stars))
                .build();
    }

    public BaseResponse deleteWorkflow(Caller caller, DeleteWorkflowRequest request) {
        String userId = caller.user(request.getUserAppId(), KIND);
        String appId = caller.app(request.getUserAppId(), KIND);
        db.inTransaction(c -> {
            store.delete(
                    c, workflows.find(c, userId, appId, request.getWorkflowId()).pk());
            return null;
        });
        return BaseResponse.getDefaultInstance();
    }

    public BaseResponse deleteWorkflows(Caller caller, DeleteWorkflowsRequest request) {
        String userId = caller.user(request.getUserAppId(), KIND);
        String appId = caller.app(request.getUserAppId(), KIND);
        if (request.getDeleteAll() == (request.getIdsCount() > 0)) {
            throw KIND.invalid("give either ids or deleteAll: true");
        }
        db.inTransaction(c -> {
            List<Stored> doomed = new ArrayList<>();
            if (request.getDeleteAll()) {
                doomed.addAll(store.allInApp(c, userId, appId));
            } else {
                for (String id : new HashSet<>(request.getIdsList())) {
                    if (id.isEmpty()) {
                        throw KIND.invalid("ids must not hold an empty id");
                    }
                    doomed.add(workflows.find(c, userId, appId, id));
                }
            }
            for (Stored stored : doomed) {
                store.delete(c, stored.pk());
            }
            return null;
        });
        return BaseResponse.getDefaultInstance();
    }

    public MultiWorkflowResponse patchWorkflows(Caller caller, PatchWorkflowsRequest request, String body) {
        String userId = caller.user(request.getUserAppId(), KIND);
        String appId = caller.app(request.getUserAppId(), KIND);
        Action action = Action.parse(request.getAction(), KIND, Action.MERGE, Action.OVERWRITE, Action.REMOVE);
        if (request.getWorkflowsCount() == 0) {
            throw KIND.invalid("workflows must hold at least one workflow");
        }
        List<JsonObject> patches = PatchBody.items(body, request, "workflows");
        List<Workflow> patched = db.inTransaction(c -> {
            List<Workflow> answers = new ArrayList<>();
            for (int i = 0; i < patches.size(); i++) {
                String id = request.getWorkflows(i).getId();
                if (id.isEmpty()) {
                    throw KIND.invalid("workflows[" + i + "].id is required");
                }
                Stored stored = workflows.find(c, userId, appId, id);
                answers.add(workflows.patch(c, stored, action, patches.get(i)));
            }
            return answers;
        });
        return MultiWorkflowResponse.newBuilder().addAllWorkflows(patched).build();
    }

    public MultiWorkflowResponse patchWorkflowIds(Caller caller, PatchWorkflowIdsRequest request) {
        String userId = caller.user(request.getUserAppId(), KIND);
        String appId = caller.app(request.getUserAppId(), KIND);
        Action.parse(request.getAction(), KIND, Action.OVERWRITE);
        if (request.getIdsCount() == 0) {
            throw KIND.invalid("ids must hold at least one {id, newId} pair");
        }
        for (int i = 0; i < request.getIdsCount(); i++) {
            WorkflowValidator.checkId(request.getIds(i).getId(), "ids[" + i + "].id");
            WorkflowValidator.checkId(request.getIds(i).getNewId(), "ids[" + i + "].newId");
        }
        try {
            List<Workflow> renamed = db.inTransaction(c -> {
                List<Workflow> answers = new ArrayList<>();
                for (IdUpdateSource ids : request.getIdsList()) {
                    answers.add(rename(c, userId, appId, ids));
                }
                return answers;
            });
            return MultiWorkflowResponse.newBuilder().addAllWorkflows(renamed).build();
        } catch (StoreException.DuplicateKeyException e) {
            throw duplicate(request.getIdsList().stream()
                    .map(IdUpdateSource::getNewId)
                    .toList()
                    .toString());
        }
    }

    private Workflow rename(Connection c, String userId, String appId, IdUpdateSource ids) throws SQLException {
        Stored stored = workflows.find(c, userId, appId, ids.getId());
        if (!ids.getNewId().equals(ids.getId())
                && store.lock(c, userId, appId, ids.getNewId()).isPresent()) {
            throw duplicate(ids.getNewId());
        }
        Workflow renamed = stored.workflow().toBuilder().setId(ids.getNewId()).build();
        store.rename(c, stored.pk(), ids.getNewId());
        store.update(c, stored.pk(), renamed);
        return renamed;
    }

    private MultiWorkflowResponse insertAll(List<Workflow> created) {
        try {
            db.inTransaction(c -> {
                for (Workflow workflow : created) {
                    if (store.lock(c, workflow.getUserId(), workflow.getAppId(), workflow.getId())
                            .isPresent()) {
                        throw duplicate(workflow.getId());
                    }
                    long pk = store.insert(c, workflow);
                    versionStore.insertVersion(c, pk, Workflows.versionOf(workflow));
                }
                return null;
            });
        } catch (StoreException.DuplicateKeyException e) {
            throw duplicate(created.stream().map(Workflow::getId).toList().toString());
        }
        return MultiWorkflowResponse.newBuilder().addAllWorkflows(created).build();
    }

    private static WorkflowStore.Sort sort(ListWorkflowsRequest request) {
        return switch (request.getSortByCase()) {
            case SORT_BY_ID -> request.getSortById() ? WorkflowStore.Sort.ID : WorkflowStore.Sort.MODIFIED_AT;
            case SORT_BY_CREATED_AT ->
                request.getSortByCreatedAt() ? WorkflowStore.Sort.CREATED_AT : WorkflowStore.Sort.MODIFIED_AT;
            case SORT_BY_STAR_COUNT ->
                request.getSortByStarCount() ? WorkflowStore.Sort.STAR_COUNT : WorkflowStore.Sort.MODIFIED_AT;
            default -> WorkflowStore.Sort.MODIFIED_AT;
        };
    }

    private static ApiException duplicate(String id) {
        return new ApiException.DuplicateResourceException(
                StatusCode.WORKFLOW_DUPLICATE, "a workflow with id " + id + " already exists in this app");
    }
}
