package dev.runneragent.workflow;

import com.clarifai.grpc.api.Embedding;
import com.clarifai.grpc.api.Hit;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.Output;
import com.clarifai.grpc.api.OutputConfig;
import com.clarifai.grpc.api.PostWorkflowResultsRequest;
import com.clarifai.grpc.api.PostWorkflowResultsResponse;
import com.clarifai.grpc.api.PostWorkflowResultsSimilarityRequest;
import com.clarifai.grpc.api.PostWorkflowResultsSimilarityResponse;
import com.clarifai.grpc.api.UserAppIDSet;
import com.clarifai.grpc.api.Workflow;
import com.clarifai.grpc.api.WorkflowNode;
import com.clarifai.grpc.api.WorkflowResult;
import com.clarifai.grpc.api.WorkflowResultsSimilarity;
import com.clarifai.grpc.api.WorkflowState;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.protobuf.Timestamp;
import dev.runneragent.api.ApiException;
import dev.runneragent.api.Caller;
import dev.runneragent.api.ResourceKind;
import dev.runneragent.store.Sql;
import dev.runneragent.workflow.GraphRun.Prepared;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code PostWorkflowResults} and {@code PostWorkflowResultsSimilarity}: a workflow version's graph run over the
 * request's inputs ({@link GraphRun}), one {@code WorkflowResult} per input in request order, each with one Output
 * per node that does not suppress its output, in the stored node order.
 */
@ApplicationScoped
public class WorkflowRuns {

    /** Clarifai's limit of inputs in one workflow request. */
    public static final int MAX_INPUTS = 32;

    private static final ResourceKind KIND = ResourceKind.WORKFLOW;

    @Inject
    VersionService versions;

    @Inject
    WorkflowStates states;

    @Inject
    WorkflowInputs inputs;

    @Inject
    NodeCalls calls;

    @Inject
    Clock clock;

    /** A run in progress: its answer, and the graph run to cancel when the caller gives up. */
    private record Running<T>(CompletableFuture<T> answer, GraphRun graph) {}

    public CompletableFuture<PostWorkflowResultsResponse> results(Caller caller, PostWorkflowResultsRequest request) {
        String userId = caller.user(request.getUserAppId(), KIND);
        String appId = caller.app(request.getUserAppId(), KIND);
        Workflow workflow =
                versions.atVersion(caller, request.getUserAppId(), request.getWorkflowId(), request.getVersionId());
        checkCount(request.getInputsCount(), "inputs");
        String stateId = state(userId, appId, workflow.getId(), request.getWorkflowState());
        GraphRun graph = graph(userId, appId, workflow, request.getOutputConfig());
        CompletableFuture<PostWorkflowResultsResponse> answer = run(graph, request.getInputsList())
                .thenApply(run -> {
                    PostWorkflowResultsResponse.Builder response =
                            PostWorkflowResultsResponse.newBuilder().setWorkflow(workflow);
                    for (int i = 0; i < run.inputs().size(); i++) {
                        response.addResults(result(workflow, request.getInputs(i), run, i));
                    }
                    response.setStatus(overall(response.getResultsList().stream()
                            .map(WorkflowResult::getStatus)
                            .toList()));
                    if (stateId != null) {
                        response.setWorkflowState(WorkflowState.newBuilder().setId(stateId));
                    }
                    return response.build();
                });
        return cancelling(answer, graph);
    }

    public CompletableFuture<PostWorkflowResultsSimilarityResponse> similarity(
            Caller caller, PostWorkflowResultsSimilarityRequest request) {
        String userId = caller.user(request.getUserAppId(), KIND);
        String appId = caller.app(request.getUserAppId(), KIND);
        Workflow workflow =
                versions.atVersion(caller, request.getUserAppId(), request.getWorkflowId(), request.getVersionId());
        checkCount(request.getProbeInputsCount(), "probeInputs");
        checkCount(request.getPoolInputsCount(), "poolInputs");
        List<WorkflowNode> candidates = candidates(workflow, request.getModelVersionId());
        List<Input> all = new ArrayList<>(request.getProbeInputsList());
        all.addAll(request.getPoolInputsList());
        GraphRun graph = graph(userId, appId, workflow, OutputConfig.getDefaultInstance());
        CompletableFuture<PostWorkflowResultsSimilarityResponse> answer = run(graph, all)
                .thenApply(run -> {
                    String node = embeddingNode(workflow, candidates, request.getModelVersionId(), run);
                    List<float[]> vectors = new ArrayList<>();
                    for (int i = 0; i < all.size(); i++) {
                        vectors.add(vector(run, node, i));
                    }
                    int probes = request.getProbeInputsCount();
                    PostWorkflowResultsSimilarityResponse.Builder response =
                            PostWorkflowResultsSimilarityResponse.newBuilder()
                                    .setStatus(GraphRun.status(StatusCode.SUCCESS.getNumber(), ""));
                    for (int p = 0; p < probes; p++) {
                        WorkflowResultsSimilarity.Builder probe = WorkflowResultsSimilarity.newBuilder()
                                .setProbeInput(echo(all.get(p), run.inputs().get(p)));
                        for (int q = probes; q < all.size(); q++) {
                            probe.addPoolResults(Hit.newBuilder()
                                    .setScore((float) cosine(vectors.get(p), vectors.get(q)))
                                    .setInput(echo(all.get(q), run.inputs().get(q))));
                        }
                        response.addResults(probe);
                    }
                    return response.build();
                });
        return cancelling(answer, graph);
    }

    /** The inputs as prepared and each node's outputs for them. */
    private record Run(List<Prepared> inputs, Map<String, Output[]> outputs) {}

    private CompletableFuture<Run> run(GraphRun graph, List<Input> requested) {
        FetchBudget.Held held = inputs.hold();
        CompletableFuture<Run> run = fetchAndRun(graph, requested, held);
        run.whenComplete((done, error) -> held.close()); // no input bytes are needed once every node has answered
        return run;
    }

    private CompletableFuture<Run> fetchAndRun(GraphRun graph, List<Input> requested, FetchBudget.Held held) {
        CompletableFuture<List<Prepared>> ready = inputs.prepare(requested, held);
        if (ready.isDone() && !ready.isCompletedExceptionally()) { // nothing to fetch: on from this thread
            List<Prepared> prepared = ready.join();
            return graph.run(prepared).thenApply(outputs -> new Run(prepared, outputs));
        }
        // Fetches complete on Vert.x event loops: the graph is driven from the node executor instead.
        return ready.thenComposeAsync(
                prepared -> graph.run(prepared).thenApply(outputs -> new Run(prepared, outputs)), calls.executor());
    }

    private GraphRun graph(String userId, String appId, Workflow workflow, OutputConfig config) {
        UserAppIDSet app =
                UserAppIDSet.newBuilder().setUserId(userId).setAppId(appId).build();
        return new GraphRun(calls, clock, userId, app, workflow.getId(), workflow.getNodesList(), config);
    }

    /** A caller that gives up (cancels the answer) cancels the model requests still running for it. */
    private static <T> CompletableFuture<T> cancelling(CompletableFuture<T> answer, GraphRun graph) {
        answer.whenComplete((done, error) -> {
            if (answer.isCancelled()) {
                graph.cancel();
            }
        });
        return answer;
    }

    private static void checkCount(int count, String field) {
        if (count == 0) {
            throw KIND.invalid(field + " must hold at least one input");
        }
        if (count > MAX_INPUTS) {
            throw KIND.invalid(field + " holds " + count + " inputs; a workflow request takes at most " + MAX_INPUTS);
        }
    }

    /** The state id the answer carries: a new one for {@code init}, the given one once checked, or null. */
    private String state(String userId, String appId, String workflowId, WorkflowState state) {
        String id = state.getId();
        if (id.isEmpty()) {
            return null;
        }
        if (id.equals(WorkflowStates.INIT)) {
            return states.init(userId, appId, workflowId);
        }
        states.use(userId, appId, workflowId, id);
        return id;
    }

    private WorkflowResult result(Workflow workflow, Input requested, Run run, int i) {
        Prepared prepared = run.inputs().get(i);
        WorkflowResult.Builder result = WorkflowResult.newBuilder()
                .setId(GraphRun.newId())
                .setCreatedAt(now())
                .setInput(echo(requested, prepared));
        if (prepared.failure() != null) {
            return result.setStatus(prepared.failure()).build();
        }
        List<Output> shown = new ArrayList<>();
        List<Output> counted = new ArrayList<>();
        for (WorkflowNode node : workflow.getNodesList()) {
            Output output = run.outputs().get(node.getId())[i];
            counted.add(output);
            if (!node.getSuppressOutput()) {
                shown.add(output);
            }
        }
        result.addAllOutputs(shown);
        return result.setStatus(ofOutputs(shown.isEmpty() ? counted : shown)).build();
    }

    /** The input as its result shows it: as the client sent it, with its id, without the bytes it came with. */
    private static Input echo(Input requested, Prepared prepared) {
        return WorkflowInputs.echo(
                requested.toBuilder().setId(prepared.input().getId()).build());
    }

    /**
     * An input's status from its outputs: SUCCESS when all succeeded, MIXED_STATUS when some did; when none did,
     * their common status, or FAILURE when they failed for different reasons.
     */
    static Status ofOutputs(List<Output> outputs) {
        return combine(outputs.stream().map(Output::getStatus).toList(), "outputs");
    }

    /** The request's status from its results' statuses, by the same rule. */
    static Status overall(List<Status> results) {
        return combine(results, "inputs");
    }

    private static Status combine(List<Status> statuses, String what) {
        long succeeded =
                statuses.stream().filter(s -> s.getCode() == StatusCode.SUCCESS).count();
        if (succeeded == statuses.size()) {
            return GraphRun.status(StatusCode.SUCCESS.getNumber(), "");
        }
        if (succeeded > 0 || statuses.stream().anyMatch(s -> s.getCode() == StatusCode.MIXED_STATUS)) {
            return GraphRun.status(
                    StatusCode.MIXED_STATUS.getNumber(),
                    (statuses.size() - succeeded) + " of " + statuses.size() + " " + what + " failed");
        }
        int first = statuses.get(0).getCodeValue();
        if (statuses.stream().allMatch(s -> s.getCodeValue() == first)) {
            return GraphRun.status(first, statuses.get(0).getDetails());
        }
        return GraphRun.status(
                StatusCode.FAILURE.getNumber(), "every one of the " + what + " failed; each one's status says why");
    }

    /** The nodes that may hold the embeddings to compare: those of {@code modelVersionId}, or every node. */
    private static List<WorkflowNode> candidates(Workflow workflow, String modelVersionId) {
        if (modelVersionId.isEmpty()) {
            return workflow.getNodesList();
        }
        List<WorkflowNode> matching = workflow.getNodesList().stream()
                .filter(n -> n.getModel().getModelVersion().getId().equals(modelVersionId))
                .toList();
        if (matching.isEmpty()) {
            throw KIND.invalid("modelVersionId '" + modelVersionId + "' is the version of no node of workflow '"
                    + workflow.getId() + "'; its nodes' versions: " + versionsOf(workflow));
        }
        return matching;
    }

    /**
     * The node whose embeddings are compared: among the candidates, the one whose outputs hold embeddings; none or
     * several is an error that names them.
     */
    private static String embeddingNode(
            Workflow workflow, List<WorkflowNode> candidates, String modelVersionId, Run run) {
        List<String> embedding = candidates.stream()
                .map(WorkflowNode::getId)
                .filter(id -> java.util.Arrays.stream(run.outputs().get(id))
                        .anyMatch(o -> o != null && o.getData().getEmbeddingsCount() > 0))
                .toList();
        String which = modelVersionId.isEmpty()
                ? "workflow '" + workflow.getId() + "'"
                : "the nodes of model version '" + modelVersionId + "'";
        if (embedding.size() == 1) {
            return embedding.get(0);
        }
        if (embedding.isEmpty()) {
            // Perhaps every input failed before any embedding was made: say that first.
            for (int i = 0; i < run.inputs().size(); i++) {
                Status failed = failureOf(run, candidates, i);
                if (failed != null) {
                    throw new ApiException(
                            failed.getCode(),
                            "input '" + run.inputs().get(i).input().getId() + "' failed: " + failed.getDetails());
                }
            }
            throw KIND.invalid("no node among " + which + " answers embeddings, so there is nothing to compare");
        }
        throw KIND.invalid(which + " hold(s) several embedding nodes " + embedding + "; name one by modelVersionId"
                + " (the nodes' versions: " + versionsOf(workflow) + ")");
    }

    private static Status failureOf(Run run, List<WorkflowNode> candidates, int i) {
        Prepared prepared = run.inputs().get(i);
        if (prepared.failure() != null) {
            return prepared.failure();
        }
        for (WorkflowNode node : candidates) {
            Output output = run.outputs().get(node.getId())[i];
            if (output.getStatus().getCode() != StatusCode.SUCCESS) {
                return output.getStatus();
            }
        }
        return null;
    }

    /** The first embedding of input {@code i} at {@code node}; an input without one fails the request, named. */
    private static float[] vector(Run run, String node, int i) {
        Prepared prepared = run.inputs().get(i);
        String id = prepared.input().getId();
        if (prepared.failure() != null) {
            throw new ApiException(
                    prepared.failure().getCode(),
                    "input '" + id + "' failed: " + prepared.failure().getDetails());
        }
        Output output = run.outputs().get(node)[i];
        if (output.getStatus().getCode() != StatusCode.SUCCESS) {
            throw new ApiException(
                    output.getStatus().getCode(),
                    "input '" + id + "' failed at node '" + node + "': "
                            + output.getStatus().getDetails());
        }
        if (output.getData().getEmbeddingsCount() == 0) {
            throw new ApiException(
                    StatusCode.MODEL_PREDICTION_FAILED,
                    "node '" + node + "' answered no embedding for input '" + id + "'");
        }
        Embedding embedding = output.getData().getEmbeddings(0);
        float[] vector = new float[embedding.getVectorCount()];
        for (int k = 0; k < vector.length; k++) {
            vector[k] = embedding.getVector(k);
        }
        return vector;
    }

    /** Cosine similarity; 0 when either vector is all zeros or their lengths differ. */
    static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            return 0;
        }
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            normA += (double) a[i] * a[i];
            normB += (double) b[i] * b[i];
        }
        return normA == 0 || normB == 0 ? 0 : dot / Math.sqrt(normA * normB);
    }

    private static String versionsOf(Workflow workflow) {
        return workflow.getNodesList().stream()
                .map(n -> n.getId() + "=" + n.getModel().getId() + "@"
                        + n.getModel().getModelVersion().getId())
                .toList()
                .toString();
    }

    private Timestamp now() {
        return Sql.timestamp(clock.instant());
    }
}
