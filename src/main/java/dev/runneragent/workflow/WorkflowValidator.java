package dev.runneragent.workflow;

import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.NodeInput;
import com.clarifai.grpc.api.WorkflowNode;
import dev.runneragent.execution.ModelLocator;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a workflow write: the id, the graph ({@link WorkflowGraph}) and each node's model, which this node or one
 * of its registered runners must serve. A node that names no model version gets the served one, so a stored
 * version always pins the models it ran with.
 */
@ApplicationScoped
public class WorkflowValidator {

    /** Workflow (and app) ids: letters, digits, '_' and '-', at most 128, as the store's columns hold. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    @Inject
    @All
    List<ModelLocator> locators;

    /** Checks a workflow id (for create and rename). */
    public static void checkId(String id, String where) {
        if (id.isEmpty()) {
            throw WorkflowGraph.invalidArgument(where + " is required");
        }
        if (!ID.matcher(id).matches()) {
            throw WorkflowGraph.invalidArgument(where + " '" + id + "' must be 1 to 128 letters, digits, '_' or '-',"
                    + " starting with a letter or digit");
        }
    }

    /**
     * The nodes in topological order, each with the model version it will run, and each input named once (a merge
     * patch appends {@code nodeInputs}, which have no id, so re-sending a node would otherwise double its edges).
     */
    public List<WorkflowNode> validNodes(String userId, List<WorkflowNode> nodes) {
        List<WorkflowNode> resolved = new ArrayList<>();
        for (WorkflowNode node : WorkflowGraph.sorted(nodes)) {
            resolved.add(withServedModel(userId, withDistinctInputs(node)));
        }
        return resolved;
    }

    private static WorkflowNode withDistinctInputs(WorkflowNode node) {
        List<NodeInput> distinct = node.getNodeInputsList().stream().distinct().toList();
        return distinct.size() == node.getNodeInputsCount()
                ? node
                : node.toBuilder().clearNodeInputs().addAllNodeInputs(distinct).build();
    }

    private WorkflowNode withServedModel(String userId, WorkflowNode node) {
        String modelId = node.getModel().getId();
        if (modelId.isEmpty()) {
            throw WorkflowGraph.invalidArgument("node '" + node.getId() + "' names no model (model.id)");
        }
        List<Model> served = new ArrayList<>();
        locators.forEach(locator -> served.addAll(locator.served(userId, modelId)));
        if (served.isEmpty()) {
            throw WorkflowGraph.invalidArgument("node '" + node.getId() + "': model '" + modelId
                    + "' is not served by this node or any of its registered runners");
        }
        String wanted = node.getModel().getModelVersion().getId();
        if (wanted.isEmpty()) {
            String version = served.get(0).getModelVersion().getId();
            return node.toBuilder()
                    .setModel(node.getModel().toBuilder()
                            .setModelVersion(node.getModel().getModelVersion().toBuilder()
                                    .setId(version)))
                    .build();
        }
        // A version-less entry is a runner that takes the model in any version.
        if (served.stream()
                .map(m -> m.getModelVersion().getId())
                .noneMatch(version -> version.isEmpty() || version.equals(wanted))) {
            throw WorkflowGraph.invalidArgument("node '" + node.getId() + "': model '" + modelId + "' has no version '"
                    + wanted + "' here; served: "
                    + served.stream().map(m -> m.getModelVersion().getId()).toList());
        }
        return node;
    }
}
