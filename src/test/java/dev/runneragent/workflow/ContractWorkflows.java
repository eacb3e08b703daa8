package dev.runneragent.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.ModelVersion;
import com.clarifai.grpc.api.MultiWorkflowResponse;
import com.clarifai.grpc.api.NodeInput;
import com.clarifai.grpc.api.PostWorkflowsRequest;
import com.clarifai.grpc.api.V2Grpc;
import com.clarifai.grpc.api.Workflow;
import com.clarifai.grpc.api.WorkflowNode;
import com.clarifai.grpc.api.status.StatusCode;
import java.util.List;

/** Workflow test data for the contract tests: nodes on the test model folder's models, as the client builds them. */
final class ContractWorkflows {

    static final String COLOUR_CLASSIFIER = "colour-classifier";
    static final String COLOUR_CLASSIFIER_VERSION = "v1";
    static final String TEXT_EMBEDDER = "text-embedder";
    static final String TEXT_EMBEDDER_VERSION = "v7";

    /** The app a personal access token works in on the bare {@code /v2/workflows} routes. */
    static final String DEFAULT_APP = "main";

    /** A root node: the colour classifier, pinned to its version. */
    static final WorkflowNode CLASSIFY = WorkflowNode.newBuilder()
            .setId("classify")
            .setModel(Model.newBuilder()
                    .setId(COLOUR_CLASSIFIER)
                    .setModelVersion(ModelVersion.newBuilder().setId(COLOUR_CLASSIFIER_VERSION)))
            .build();

    /** A child of {@link #CLASSIFY}: the text embedder, with no version (the server pins the served one). */
    static final WorkflowNode EMBED = WorkflowNode.newBuilder()
            .setId("embed")
            .setModel(Model.newBuilder().setId(TEXT_EMBEDDER))
            .addNodeInputs(NodeInput.newBuilder().setNodeId(CLASSIFY.getId()))
            .build();

    private ContractWorkflows() {}

    static Workflow workflow(String id, WorkflowNode... nodes) {
        return Workflow.newBuilder().setId(id).addAllNodes(List.of(nodes)).build();
    }

    /** Creates a one-node workflow through the client on the bare route and returns the server's answer. */
    static Workflow create(V2Grpc.V2BlockingStub stub, String id) {
        MultiWorkflowResponse created = stub.postWorkflows(PostWorkflowsRequest.newBuilder()
                .addWorkflows(workflow(id, CLASSIFY))
                .build());
        assertEquals(
                StatusCode.SUCCESS,
                created.getStatus().getCode(),
                created.getStatus().getDetails());
        return created.getWorkflows(0);
    }
}
