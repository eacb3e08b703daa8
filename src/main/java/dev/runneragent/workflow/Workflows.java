package dev.runneragent.workflow;

import com.clarifai.grpc.api.UserAppIDSet;
import com.clarifai.grpc.api.Visibility;
import com.clarifai.grpc.api.Workflow;
import com.clarifai.grpc.api.WorkflowNode;
import com.clarifai.grpc.api.WorkflowVersion;
import com.google.gson.JsonObject;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.runneragent.api.Caller;
import dev.runneragent.api.JsonPatcher;
import dev.runneragent.api.JsonPatcher.Action;
import dev.runneragent.api.ResourceKind;
import dev.runneragent.store.Sql;
import dev.runneragent.workflow.WorkflowStore.Stored;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What the workflow and version endpoints share: finding a workflow the caller may see, building a new workflow
 * with its first version, and applying a patch that makes a new version when the nodes change.
 */
@ApplicationScoped
class Workflows {

    private static final ResourceKind KIND = ResourceKind.WORKFLOW;

    /** Fields the server owns; a patch that names them has no effect on them. */
    private static final Set<String> SERVER_OWNED =
            Set.of("id", "app_id", "user_id", "created_at", "modified_at", "version", "star_count");

    private static final List<String> ADDITIONAL_FIELDS = List.of("stars", "all");

    private static final Visibility PRIVATE =
            Visibility.newBuilder().setGettable(Visibility.Gettable.PRIVATE).build();

    @Inject
    WorkflowStore store;

    @Inject
    VersionStore versionStore;

    @Inject
    WorkflowValidator validator;

    @Inject
    Clock clock;

    Stored find(Caller caller, UserAppIDSet ids, String workflowId) {
        String userId = caller.user(ids, KIND);
        String appId = caller.app(ids, KIND);
        return store.find(userId, appId, workflowId).orElseThrow(() -> missing(workflowId));
    }

    Stored find(Connection c, String userId, String appId, String workflowId) throws SQLException {
        return store.lock(c, userId, appId, workflowId).orElseThrow(() -> missing(workflowId));
    }

    /** A new workflow from a client's request, with its first version. */
    Workflow fresh(String userId, String appId, Workflow requested) {
        List<WorkflowNode> nodes = validator.validNodes(userId, requested.getNodesList());
        com.google.protobuf.Timestamp now = Sql.timestamp(clock.instant());
        Workflow.Builder workflow = requested.toBuilder()
                .setUserId(userId)
                .setAppId(appId)
                .setCreatedAt(now)
                .setModifiedAt(now)
                .clearNodes()
                .addAllNodes(nodes)
                .setStarCount(requested.getIsStarred() ? 1 : 0);
        if (requested.getVisibility().getGettable() == Visibility.Gettable.UNKNOWN_VISIBILITY) {
            workflow.setVisibility(PRIVATE);
        }
        return workflow.setVersion(newVersion(now, requested.getId(), appId, userId))
                .build();
    }

    /** Applies a patch to a stored workflow inside the transaction of {@code c}; returns the result. */
    Workflow patch(Connection c, Stored stored, Action action, JsonObject patch) throws SQLException {
        JsonObject editable = withoutServerOwned(patch);
        if (action == Action.REMOVE && editable.has("image") && editable.size() > 1) {
            throw KIND.invalid("action 'remove' clears the image of workflow '"
                    + stored.workflow().getId() + "' only in a request that patches nothing else");
        }
        Workflow current = stored.workflow();
        Workflow patched = JsonPatcher.apply(action, editableCopy(current), editable, KIND);
        com.google.protobuf.Timestamp now = Sql.timestamp(clock.instant());
        Workflow.Builder result = patched.toBuilder()
                .setId(current.getId())
                .setAppId(current.getAppId())
                .setUserId(current.getUserId())
                .setCreatedAt(current.getCreatedAt())
                .setModifiedAt(now)
                .setStarCount(patched.getIsStarred() ? 1 : 0)
                .setVersion(current.getVersion());
        if (patched.getVisibility().getGettable() == Visibility.Gettable.UNKNOWN_VISIBILITY) {
            result.setVisibility(PRIVATE);
        }
        if (!patched.getNodesList().equals(current.getNodesList())) {
            List<WorkflowNode> nodes = validator.validNodes(
                    current.getUserId(), withoutInheritedVersions(current.getNodesList(), patched.getNodesList()));
            result.clearNodes().addAllNodes(nodes);
            if (!nodes.equals(current.getNodesList())) { // the same graph once validated makes no new version
                result.setVersion(newVersion(now, current.getId(), current.getAppId(), current.getUserId()));
                versionStore.insertVersion(c, stored.pk(), versionOf(result.build()));
            }
        }
        Workflow updated = result.build();
        store.update(c, stored.pk(), updated);
        return updated;
    }

    /**
     * A merge that gives a node another model keeps the version the node had, which the server itself filled in
     * for the old model; it must not pin the new model to it. Such an inherited version is cleared, so the new
     * model's served version is taken.
     */
    private static List<WorkflowNode> withoutInheritedVersions(List<WorkflowNode> before, List<WorkflowNode> after) {
        Map<String, WorkflowNode> old = new HashMap<>();
        before.forEach(node -> old.put(node.getId(), node));
        return after.stream()
                .map(node -> {
                    WorkflowNode was = old.get(node.getId());
                    boolean modelChanged = was != null
                            && !was.getModel().getId().equals(node.getModel().getId());
                    boolean versionInherited = was != null
                            && was.getModel()
                                    .getModelVersion()
                                    .getId()
                                    .equals(node.getModel().getModelVersion().getId());
                    if (modelChanged && versionInherited) {
                        return node.toBuilder()
                                .setModel(node.getModel().toBuilder()
                                        .setModelVersion(node.getModel().getModelVersion().toBuilder()
                                                .clearId()))
                                .build();
                    }
                    return node;
                })
                .toList();
    }

    /** The full WorkflowVersion of a workflow's current version (the workflow carries it without nodes). */
    static WorkflowVersion versionOf(Workflow workflow) {
        return workflow.getVersion().toBuilder()
                .setWorkflowId(workflow.getId())
                .setAppId(workflow.getAppId())
                .setUserId(workflow.getUserId())
                .clearNodes()
                .addAllNodes(workflow.getNodesList())
                .build();
    }

    /** Checks {@code additionalFields}: workflows know "stars" and "all"; anything else is an invalid argument. */
    static boolean wantsStars(List<String> additionalFields) {
        for (String field : additionalFields) {
            if (!ADDITIONAL_FIELDS.contains(field.toLowerCase(Locale.ROOT))) {
                throw KIND.invalid("additionalFields: unknown field '" + field + "'; supported: "
                        + String.join(", ", ADDITIONAL_FIELDS));
            }
        }
        return !additionalFields.isEmpty();
    }

    /** Stars are shown only when {@code additionalFields} asks for them ("stars" or "all"). */
    static Workflow withAdditionalFields(Workflow workflow, boolean stars) {
        return stars
                ? workflow
                : workflow.toBuilder().clearIsStarred().clearStarCount().build();
    }

    static dev.runneragent.api.ApiException missing(String workflowId) {
        return KIND.notFound("workflow '" + workflowId + "' does not exist");
    }

    private static WorkflowVersion newVersion(
            com.google.protobuf.Timestamp now, String workflowId, String appId, String userId) {
        return WorkflowVersion.newBuilder()
                .setId(UUID.randomUUID().toString().replace("-", ""))
                .setWorkflowId(workflowId)
                .setAppId(appId)
                .setUserId(userId)
                .setCreatedAt(now)
                .setModifiedAt(now)
                .setVisibility(PRIVATE)
                .build();
    }

    private static Workflow editableCopy(Workflow workflow) {
        Workflow.Builder copy = workflow.toBuilder();
        for (String name : SERVER_OWNED) {
            copy.clearField(Workflow.getDescriptor().findFieldByName(name));
        }
        return copy.build();
    }

    private static JsonObject withoutServerOwned(JsonObject patch) {
        JsonObject copy = patch.deepCopy();
        for (String name : SERVER_OWNED) {
            FieldDescriptor field = Workflow.getDescriptor().findFieldByName(name);
            copy.remove(field.getName());
            copy.remove(field.getJsonName());
        }
        return copy;
    }
}
