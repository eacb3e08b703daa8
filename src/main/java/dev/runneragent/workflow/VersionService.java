package dev.runneragent.workflow;

import com.clarifai.grpc.api.DeleteWorkflowVersionsRequest;
import com.clarifai.grpc.api.GetWorkflowVersionRequest;
import com.clarifai.grpc.api.ListWorkflowVersionsRequest;
import com.clarifai.grpc.api.MultiWorkflowVersionResponse;
import com.clarifai.grpc.api.PatchWorkflowVersionsRequest;
import com.clarifai.grpc.api.PostWorkflowVersionsPublishRequest;
import com.clarifai.grpc.api.PostWorkflowVersionsUnPublishRequest;
import com.clarifai.grpc.api.SingleWorkflowVersionResponse;
import com.clarifai.grpc.api.UserAppIDSet;
import com.clarifai.grpc.api.Visibility;
import com.clarifai.grpc.api.Workflow;
import com.clarifai.grpc.api.WorkflowVersion;
import com.clarifai.grpc.api.WorkflowVersionPublishRequest;
import com.clarifai.grpc.api.WorkflowVersionUnPublishRequest;
import com.clarifai.grpc.api.status.BaseResponse;
import com.google.gson.JsonObject;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.runneragent.api.Caller;
import dev.runneragent.api.JsonPatcher;
import dev.runneragent.api.JsonPatcher.Action;
import dev.runneragent.api.Page;
import dev.runneragent.api.PatchBody;
import dev.runneragent.api.RequestBinder;
import dev.runneragent.api.ResourceKind;
import dev.runneragent.store.Db;
import dev.runneragent.store.Sql;
import dev.runneragent.workflow.WorkflowStore.Stored;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Workflow versions: list, get, patch (description, metadata, visibility, license; never nodes), delete, and
 * publish / unpublish, which set a version's visibility to PUBLIC / PRIVATE.
 */
@ApplicationScoped
public class VersionService {

    private static final ResourceKind KIND = ResourceKind.WORKFLOW;
    private static final Set<String> PATCHABLE = Set.of("description", "metadata", "visibility", "license");

    @Inject
    Db db;

    @Inject
    WorkflowStore store;

    @Inject
    VersionStore versionStore;

    @Inject
    Workflows workflows;

    @Inject
    Clock clock;

    public MultiWorkflowVersionResponse listVersions(Caller caller, ListWorkflowVersionsRequest request) {
        Page page = Page.of(request.getPage(), request.getPerPage(), KIND);
        Stored stored = workflows.find(caller, request.getUserAppId(), request.getWorkflowId());
        return MultiWorkflowVersionResponse.newBuilder()
                .addAllWorkflowVersions(versionStore.versions(stored, page))
                .build();
    }

    public SingleWorkflowVersionResponse getVersion(Caller caller, GetWorkflowVersionRequest request) {
        WorkflowVersion version = inWorkflow(
                caller,
                request.getUserAppId(),
                request.getWorkflowId(),
                (c, stored) -> version(c, stored, request.getWorkflowVersionId()));
        return SingleWorkflowVersionResponse.newBuilder()
                .setWorkflowVersion(version)
                .build();
    }

    /** The version a run uses: {@code versionId}, or the latest when it is empty. Missing ones answer 404. */
    /**
     * The workflow as version {@code versionId} has it (empty: the latest): the stored workflow with that version's
     * nodes and the version in {@code version}, for running it. A read: it takes no lock.
     */
    public Workflow atVersion(Caller caller, UserAppIDSet ids, String workflowId, String versionId) {
        Stored stored = workflows.find(caller, ids, workflowId);
        if (versionId.isEmpty()
                || versionId.equals(stored.workflow().getVersion().getId())) {
            return stored.workflow();
        }
        WorkflowVersion version = db.read(c -> version(c, stored, versionId));
        return stored.workflow().toBuilder()
                .clearNodes()
                .addAllNodes(version.getNodesList())
                .setVersion(version.toBuilder().clearNodes())
                .build();
    }

    public MultiWorkflowVersionResponse patchVersions(
            Caller caller, PatchWorkflowVersionsRequest request, String body) {
        List<WorkflowVersion> patched = inWorkflow(caller, request.getUserAppId(), request.getWorkflowId(), (c, w) -> {
            Action action = Action.parse(request.getAction(), KIND, Action.MERGE, Action.OVERWRITE, Action.REMOVE);
            if (request.getWorkflowVersionsCount() == 0) {
                throw KIND.invalid("workflowVersions must hold at least one version");
            }
            List<JsonObject> patches = PatchBody.items(body, request, "workflow_versions");
            List<WorkflowVersion> answers = new ArrayList<>();
            for (int i = 0; i < patches.size(); i++) {
                WorkflowVersion current =
                        version(c, w, request.getWorkflowVersions(i).getId());
                WorkflowVersion result = applyPatch(action, current, patches.get(i), i);
                versionStore.updateVersion(c, w.pk(), result);
                answers.add(result);
            }
            refreshLatest(c, w);
            return answers;
        });
        return MultiWorkflowVersionResponse.newBuilder()
                .addAllWorkflowVersions(patched)
                .build();
    }

    public BaseResponse deleteVersions(Caller caller, DeleteWorkflowVersionsRequest request) {
        inWorkflow(caller, request.getUserAppId(), request.getWorkflowId(), (c, stored) -> {
            if (request.getWorkflowVersionIdsCount() == 0) {
                throw KIND.invalid("workflowVersionIds must name at least one version");
            }
            for (String versionId : new LinkedHashSet<>(request.getWorkflowVersionIdsList())) {
                version(c, stored, versionId);
                if (versionId.equals(stored.workflow().getVersion().getId())) {
                    throw KIND.invalid("version '" + versionId + "' is the latest of workflow '"
                            + stored.workflow().getId() + "' and cannot be deleted; patch the workflow's nodes to"
                            + " make a newer one, or delete the workflow");
                }
                versionStore.deleteVersion(c, stored.pk(), versionId);
            }
            return null;
        });
        return BaseResponse.getDefaultInstance();
    }

    public BaseResponse publish(Caller caller, PostWorkflowVersionsPublishRequest request) {
        List<String> ids = request.getPublicationsList().stream()
                .map(WorkflowVersionPublishRequest::getVersionId)
                .toList();
        setVisibility(caller, request.getUserAppId(), request.getWorkflowId(), ids, Visibility.Gettable.PUBLIC);
        return BaseResponse.getDefaultInstance();
    }

    public BaseResponse unpublish(Caller caller, PostWorkflowVersionsUnPublishRequest request) {
        List<String> ids = request.getPublicationsList().stream()
                .map(WorkflowVersionUnPublishRequest::getVersionId)
                .toList();
        setVisibility(caller, request.getUserAppId(), request.getWorkflowId(), ids, Visibility.Gettable.PRIVATE);
        return BaseResponse.getDefaultInstance();
    }

    private void setVisibility(
            Caller caller, UserAppIDSet ids, String workflowId, List<String> versionIds, Visibility.Gettable gettable) {
        inWorkflow(caller, ids, workflowId, (c, stored) -> {
            if (versionIds.isEmpty()) {
                throw KIND.invalid("publications must name at least one version (versionId)");
            }
            for (String versionId : versionIds) {
                WorkflowVersion version = version(c, stored, versionId).toBuilder()
                        .setVisibility(Visibility.newBuilder().setGettable(gettable))
                        .setModifiedAt(Sql.timestamp(clock.instant()))
                        .build();
                versionStore.updateVersion(c, stored.pk(), version);
            }
            refreshLatest(c, stored);
            return null;
        });
    }

    private WorkflowVersion applyPatch(Action action, WorkflowVersion current, JsonObject patch, int index) {
        JsonObject editable = new JsonObject();
        for (String key : patch.keySet()) {
            FieldDescriptor field = RequestBinder.field(WorkflowVersion.getDescriptor(), key);
            if (field != null && field.getName().equals("nodes")) {
                throw KIND.invalid("workflowVersions[" + index + "]: a version's nodes cannot change; patch the"
                        + " workflow's nodes to make a new version");
            }
            if (field != null && PATCHABLE.contains(field.getName())) {
                editable.add(key, patch.get(key));
            }
        }
        WorkflowVersion.Builder base = WorkflowVersion.newBuilder()
                .setDescription(current.getDescription())
                .setLicense(current.getLicense())
                .setVisibility(current.getVisibility());
        if (current.hasMetadata()) {
            base.setMetadata(current.getMetadata());
        }
        WorkflowVersion patched = JsonPatcher.apply(action, base.build(), editable, KIND);
        WorkflowVersion.Builder result = current.toBuilder()
                .setDescription(patched.getDescription())
                .setLicense(patched.getLicense())
                .setVisibility(
                        patched.getVisibility().getGettable() == Visibility.Gettable.UNKNOWN_VISIBILITY
                                ? Visibility.newBuilder()
                                        .setGettable(Visibility.Gettable.PRIVATE)
                                        .build()
                                : patched.getVisibility())
                .setModifiedAt(Sql.timestamp(clock.instant()));
        if (patched.hasMetadata()) {
            result.setMetadata(patched.getMetadata());
        } else {
            result.clearMetadata();
        }
        return result.build();
    }

    /** Copies the stored latest version (visibility, description...) back into the workflow row. */
    private void refreshLatest(Connection c, Stored stored) throws SQLException {
        WorkflowVersion latest =
                version(c, stored, stored.workflow().getVersion().getId());
        store.update(
                c,
                stored.pk(),
                stored.workflow().toBuilder()
                        .setVersion(latest.toBuilder().clearNodes())
                        .build());
    }

    private WorkflowVersion version(Connection c, Stored stored, String versionId) throws SQLException {
        if (versionId.isEmpty()) {
            throw KIND.invalid("a workflow version id is required");
        }
        return versionStore
                .findVersion(c, stored.workflow(), stored.pk(), versionId)
                .orElseThrow(() -> KIND.notFound(
                        "workflow '" + stored.workflow().getId() + "' has no version '" + versionId + "'"));
    }

    private <T> T inWorkflow(Caller caller, UserAppIDSet ids, String workflowId, InWorkflow<T> work) {
        String userId = caller.user(ids, KIND);
        String appId = caller.app(ids, KIND);
        return db.inTransaction(c -> work.run(c, workflows.find(c, userId, appId, workflowId)));
    }

    @FunctionalInterface
    private interface InWorkflow<T> {
        T run(Connection c, Stored workflow) throws SQLException;
    }
}
