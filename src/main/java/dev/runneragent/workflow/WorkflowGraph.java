package dev.runneragent.workflow;

import com.clarifai.grpc.api.NodeInput;
import com.clarifai.grpc.api.WorkflowNode;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.api.ApiException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks every workflow write makes on its graph, and the order nodes are stored and run in. Pure logic: a
 * node list in, the same nodes in topological order out (ties keep the order they were given), or an error with
 * {@code WORKFLOW_INVALID_GRAPH} / {@code WORKFLOW_INVALID_ARGUMENT} that names the node.
 */
public final class WorkflowGraph {

    private WorkflowGraph() {}

    public static List<WorkflowNode> sorted(List<WorkflowNode> nodes) {
        if (nodes.isEmpty()) {
            throw invalidArgument("a workflow needs at least one node");
        }
        Map<String, WorkflowNode> byId = new LinkedHashMap<>();
        for (WorkflowNode node : nodes) {
            if (node.getId().isEmpty()) {
                throw invalidArgument("every node needs an id; node #" + (byId.size() + 1) + " has none");
            }
            if (byId.putIfAbsent(node.getId(), node) != null) {
                throw invalidGraph("duplicate node id '" + node.getId() + "'");
            }
        }
        Map<String, Integer> pendingInputs = new HashMap<>();
        Map<String, List<String>> children = new HashMap<>();
        for (WorkflowNode node : nodes) {
            for (NodeInput input : node.getNodeInputsList()) {
                String parent = input.getNodeId();
                if (!byId.containsKey(parent)) {
                    throw invalidGraph("node '" + node.getId() + "' takes input from unknown node '" + parent + "'");
                }
                if (parent.equals(node.getId())) {
                    throw invalidGraph("node '" + node.getId() + "' takes input from itself");
                }
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(node.getId());
            }
            pendingInputs.put(node.getId(), node.getNodeInputsCount());
        }
        List<WorkflowNode> order = new ArrayList<>(nodes.size());
        Deque<String> ready = new ArrayDeque<>();
        byId.keySet().stream().filter(id -> pendingInputs.get(id) == 0).forEach(ready::add);
        while (!ready.isEmpty()) {
            String id = ready.poll();
            order.add(byId.get(id));
            for (String child : children.getOrDefault(id, List.of())) {
                if (pendingInputs.merge(child, -1, Integer::sum) == 0) {
                    ready.add(child);
                }
            }
        }
        if (order.size() < nodes.size()) {
            throw invalidGraph("nodes " + cycle(byId, pendingInputs) + " form a cycle");
        }
        return order;
    }

    /**
     * One cycle among the nodes that never became ready, as {@code 'a' -> 'b' -> 'a'} in the direction data flows.
     * Each such node still waits on a parent that also never became ready, so following those parents must loop.
     */
    private static String cycle(Map<String, WorkflowNode> byId, Map<String, Integer> pendingInputs) {
        List<String> path = new ArrayList<>();
        String at = byId.keySet().stream()
                .filter(id -> pendingInputs.get(id) > 0)
                .findFirst()
                .orElseThrow();
        while (!path.contains(at)) {
            path.add(at);
            at = byId.get(at).getNodeInputsList().stream()
                    .map(NodeInput::getNodeId)
                    .filter(parent -> pendingInputs.get(parent) > 0)
                    .findFirst()
                    .orElseThrow();
        }
        List<String> loop = new ArrayList<>(path.subList(path.indexOf(at), path.size()));
        java.util.Collections.reverse(loop);
        loop.add(loop.get(0));
        return String.join(" -> ", loop.stream().map(id -> "'" + id + "'").toList());
    }

    static ApiException invalidGraph(String details) {
        return new ApiException.InvalidArgumentException(StatusCode.WORKFLOW_INVALID_GRAPH, details);
    }

    static ApiException invalidArgument(String details) {
        return new ApiException.InvalidArgumentException(StatusCode.WORKFLOW_INVALID_ARGUMENT, details);
    }
}
