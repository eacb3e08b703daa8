package dev.runneragent.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.NodeInput;
import com.clarifai.grpc.api.WorkflowNode;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.api.ApiException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkflowGraphTest {

    @Test
    void sortsTopologicallyKeepingTheGivenOrderAmongIndependentNodes() {
        List<WorkflowNode> nodes =
                List.of(node("crop", "detect"), node("detect"), node("describe", "crop", "embed"), node("embed"));
        assertEquals(List.of("detect", "embed", "crop", "describe"), ids(WorkflowGraph.sorted(nodes)));
    }

    @Test
    void alreadySortedGraphKeepsItsOrder() {
        List<WorkflowNode> nodes = List.of(node("a"), node("b", "a"), node("c", "b"));
        assertEquals(List.of("a", "b", "c"), ids(WorkflowGraph.sorted(nodes)));
    }

    @Test
    void aNodeReadingTheSameParentTwiceIsFine() {
        assertEquals(List.of("a", "b"), ids(WorkflowGraph.sorted(List.of(node("b", "a", "a"), node("a")))));
    }

    @Test
    void namesTheCycleInTheDirectionDataFlows() {
        ApiException e = refused(
                List.of(node("root"), node("a", "root", "c"), node("b", "a"), node("c", "b"), node("after", "c")));
        assertEquals(StatusCode.WORKFLOW_INVALID_GRAPH, e.code());
        assertEquals("nodes 'b' -> 'c' -> 'a' -> 'b' form a cycle", e.details());
    }

    @Test
    void refusesSelfReferenceUnknownInputsDuplicatesAndMissingIds() {
        assertEquals(
                "node 'a' takes input from itself",
                refused(List.of(node("a", "a"))).details());
        assertEquals(
                "node 'a' takes input from unknown node 'z'",
                refused(List.of(node("a", "z"))).details());
        assertEquals(
                "duplicate node id 'a'", refused(List.of(node("a"), node("a"))).details());
        ApiException missingId = refused(List.of(node("")));
        assertEquals(StatusCode.WORKFLOW_INVALID_ARGUMENT, missingId.code());
        assertEquals(StatusCode.WORKFLOW_INVALID_ARGUMENT, refused(List.of()).code());
    }

    private static ApiException refused(List<WorkflowNode> nodes) {
        return assertThrows(ApiException.class, () -> WorkflowGraph.sorted(nodes));
    }

    private static List<String> ids(List<WorkflowNode> nodes) {
        return nodes.stream().map(WorkflowNode::getId).toList();
    }

    private static WorkflowNode node(String id, String... inputs) {
        WorkflowNode.Builder node =
                WorkflowNode.newBuilder().setId(id).setModel(Model.newBuilder().setId("m"));
        Arrays.stream(inputs)
                .forEach(input -> node.addNodeInputs(NodeInput.newBuilder().setNodeId(input)));
        return node.build();
    }
}
