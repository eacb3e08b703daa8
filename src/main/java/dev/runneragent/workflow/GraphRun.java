package dev.runneragent.workflow;

import com.clarifai.grpc.api.Concept;
import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.ModelVersion;
import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.NodeInput;
import com.clarifai.grpc.api.Output;
import com.clarifai.grpc.api.OutputConfig;
import com.clarifai.grpc.api.OutputInfo;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.UserAppIDSet;
import com.clarifai.grpc.api.WorkflowNode;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.protobuf.Timestamp;
import dev.runneragent.api.ApiException;
import dev.runneragent.api.StatusCodes;
import dev.runneragent.execution.ModelFolder;
import dev.runneragent.execution.ModelSpec;
import dev.runneragent.store.Sql;
import io.quarkus.logging.Log;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One run of a workflow's graph over a request's inputs. Each node is one model request holding every input that
 * reached it, and starts as soon as its parents have answered, so independent nodes run concurrently. A node
 * without {@code nodeInputs} gets the request's inputs; a node with them gets each input's data with its parents'
 * output data added (an embedder's {@code embeddings}, a classifier's {@code concepts}). An input whose parent
 * output failed does not go to the node: its output fails with the parent's status.
 *
 * <p>The request's {@code outputConfig} goes to every node; a node's {@code outputInfoOverride} sets the
 * {@code outputInfo.data} and {@code params} its model gets, and its {@code data.concepts} replace the request's
 * {@code selectConcepts} for that node. On this node's own models, a selection applies only to concept models, and
 * only the concepts the model has count.
 */
final class GraphRun {

    /** A request input as the graph gets it: ready for the models, or failed before them (a URL not fetched). */
    record Prepared(Input input, Status failure) {

        static Prepared ready(Input input) {
            return new Prepared(input, null);
        }

        static Prepared failed(Input input, Status failure) {
            return new Prepared(input, failure);
        }
    }

    private final NodeCalls calls;
    private final Clock clock;
    private final String userId;
    private final UserAppIDSet app;
    private final String workflowId;
    private final List<WorkflowNode> nodes;
    private final OutputConfig outputConfig;
    private final ConcurrentLinkedQueue<CompletableFuture<?>> inFlight = new ConcurrentLinkedQueue<>();
    private volatile boolean cancelled;

    GraphRun(
            NodeCalls calls,
            Clock clock,
            String userId,
            UserAppIDSet app,
            String workflowId,
            List<WorkflowNode> nodes,
            OutputConfig outputConfig) {
        this.calls = calls;
        this.clock = clock;
        this.userId = userId;
        this.app = app;
        this.workflowId = workflowId;
        this.nodes = nodes;
        this.outputConfig = outputConfig;
    }

    /**
     * Runs every node (in the stored topological order, each when its parents are done) and answers, per node id,
     * one Output per input: null for an input that failed before the graph.
     */
    CompletableFuture<Map<String, Output[]>> run(List<Prepared> inputs) {
        Map<String, CompletableFuture<Output[]>> byNode = new LinkedHashMap<>();
        // The last root node runs on the calling thread (a request's worker, or a node thread: both may block), so
        // that a one-node workflow on this node's model answers without a hand-off; every other node starts on the
        // node executor.
        WorkflowNode inline = null;
        CompletableFuture<Output[]> inlineOutputs = new CompletableFuture<>();
        for (WorkflowNode node : nodes) {
            if (node.getNodeInputsCount() == 0) {
                inline = node;
            }
        }
        for (WorkflowNode node : nodes) {
            if (node == inline) {
                byNode.put(node.getId(), inlineOutputs);
                continue;
            }
            List<CompletableFuture<Output[]>> parents = node.getNodeInputsList().stream()
                    .map(NodeInput::getNodeId)
                    .map(byNode::get)
                    .toList();
            CompletableFuture<Void> ready = CompletableFuture.allOf(parents.toArray(CompletableFuture[]::new));
            byNode.put(
                    node.getId(),
                    // Parents complete on any thread (a runner's report, a group commit): each node starts on the
                    // node executor, never on the thread that finished its parents.
                    ready.thenComposeAsync(
                            done -> runNode(
                                    node,
                                    inputs,
                                    parents.stream()
                                            .map(CompletableFuture::join)
                                            .toList()),
                            calls.executor()));
        }
        if (inline != null) {
            try {
                runNode(inline, inputs, List.of()).whenComplete((outputs, error) -> {
                    if (error != null) {
                        inlineOutputs.completeExceptionally(error);
                    } else {
                        inlineOutputs.complete(outputs);
                    }
                });
            } catch (RuntimeException e) {
                inlineOutputs.completeExceptionally(e);
            }
        }
        return CompletableFuture.allOf(byNode.values().toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    Map<String, Output[]> outputs = new LinkedHashMap<>();
                    byNode.forEach((id, future) -> outputs.put(id, future.join()));
                    return outputs;
                });
    }

    /** Cancels the model requests still running; runner items among them are cancelled in the queue. */
    void cancel() {
        cancelled = true;
        inFlight.forEach(call -> call.cancel(false));
    }

    private CompletableFuture<Output[]> runNode(WorkflowNode node, List<Prepared> inputs, List<Output[]> parents) {
        Output[] outputs = new Output[inputs.size()];
        NodeModel model = NodeModel.of(node, calls, app, outputConfig);
        PostModelOutputsRequest.Builder request = model.request();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Prepared prepared = inputs.get(i);
            if (prepared.failure() != null) {
                continue;
            }
            Data.Builder data = prepared.input().getData().toBuilder();
            Output failedParent = null;
            for (int p = 0; p < parents.size() && failedParent == null; p++) {
                Output parent = parents.get(p)[i];
                if (parent.getStatus().getCode() != StatusCode.SUCCESS) {
                    failedParent = parent;
                    outputs[i] = failure(
                            model,
                            prepared.input(),
                            parent.getStatus().getCodeValue(),
                            "node '" + node.getNodeInputs(p).getNodeId() + "', which feeds this node, failed: "
                                    + parent.getStatus().getDetails());
                } else {
                    data.mergeFrom(parent.getData());
                }
            }
            if (failedParent == null) {
                request.addInputs(
                        Input.newBuilder().setId(prepared.input().getId()).setData(data));
                positions.add(i);
            }
        }
        if (positions.isEmpty()) {
            return CompletableFuture.completedFuture(outputs);
        }
        if (cancelled) {
            throw new CancellationException("the workflow run was cancelled");
        }
        CompletableFuture<MultiOutputResponse> call = start(request.build());
        inFlight.add(call);
        if (cancelled) { // cancel() may have run between the check above and the add
            call.cancel(false);
        }
        return call.handle((response, error) -> {
            inFlight.remove(call);
            Map<String, Output> byInput = error == null ? byInputId(response) : null;
            for (int k = 0; k < positions.size(); k++) {
                int i = positions.get(k);
                Input input = inputs.get(i).input();
                outputs[i] = error != null
                        ? failed(model, input, error)
                        : answer(model, input, response, byInput, k, positions.size());
            }
            return outputs;
        });
    }

    private CompletableFuture<MultiOutputResponse> start(PostModelOutputsRequest request) {
        try {
            return calls.call(userId, workflowId, request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The k-th output of a model's response, as the workflow shows it; a response without it fails the input. */
    /**
     * The response's outputs by the id of the input each names, when every output names a different input; else
     * null, and outputs are matched to inputs by position (the protocol's order).
     */
    private static Map<String, Output> byInputId(MultiOutputResponse response) {
        Map<String, Output> byInput = new java.util.HashMap<>();
        for (Output output : response.getOutputsList()) {
            String id = output.getInput().getId();
            if (id.isEmpty() || byInput.put(id, output) != null) {
                return null;
            }
        }
        return byInput;
    }

    private Output answer(
            NodeModel model,
            Input input,
            MultiOutputResponse response,
            Map<String, Output> byInput,
            int k,
            int expected) {
        if (response.getOutputsCount() != expected) {
            Status status = response.getStatus();
            if (status.getCode() == StatusCode.SUCCESS || status.getCode() == StatusCode.MIXED_STATUS) {
                return failure(
                        model,
                        input,
                        StatusCode.MODEL_PREDICTION_FAILED.getNumber(),
                        "model '" + model.modelId() + "' answered " + response.getOutputsCount() + " outputs for "
                                + expected + " inputs");
            }
            return failure(model, input, status.getCodeValue(), status.getDetails());
        }
        Output output = byInput != null && byInput.containsKey(input.getId())
                ? byInput.get(input.getId())
                : response.getOutputs(k);
        Output.Builder shown = output.toBuilder().setInput(Input.newBuilder().setId(input.getId()));
        if (shown.getId().isEmpty()) {
            shown.setId(newId());
        }
        if (!shown.hasCreatedAt()) {
            shown.setCreatedAt(now());
        }
        if (shown.getModel().getId().isEmpty()) {
            shown.setModel(model.shown());
        }
        if (model.dropConcepts() && shown.getStatus().getCode() == StatusCode.SUCCESS) {
            shown.getDataBuilder().clearConcepts();
        }
        return shown.build();
    }

    private Output failed(NodeModel model, Input input, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof CancellationException) {
            return failure(model, input, StatusCode.RPC_CANCELED.getNumber(), "the workflow run was cancelled");
        }
        if (cause instanceof ApiException refused) {
            return failure(model, input, refused.code().getNumber(), refused.details());
        }
        Log.errorf(cause, "Workflow %s: node of model %s failed", workflowId, model.modelId());
        return failure(
                model,
                input,
                StatusCode.INTERNAL_SERVER_ISSUE.getNumber(),
                "the model request could not be run: " + cause.getMessage());
    }

    private Output failure(NodeModel model, Input input, int code, String details) {
        return Output.newBuilder()
                .setId(newId())
                .setCreatedAt(now())
                .setStatus(status(code, details))
                .setModel(model.shown())
                .setInput(Input.newBuilder().setId(input.getId()))
                .build();
    }

    static Status status(int code, String details) {
        return Status.newBuilder()
                .setCodeValue(code)
                .setDescription(StatusCodes.description(code))
                .setDetails(details == null ? "" : details)
                .build();
    }

    static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private Timestamp now() {
        return Sql.timestamp(clock.instant());
    }

    /**
     * A node's model and the request it gets, without inputs. {@code dropConcepts}: the node selects concepts and
     * its model, served here, has none of them, so its outputs show none.
     */
    private record NodeModel(WorkflowNode node, PostModelOutputsRequest template, boolean dropConcepts) {

        static NodeModel of(WorkflowNode node, NodeCalls calls, UserAppIDSet app, OutputConfig requested) {
            String modelId = node.getModel().getId();
            String versionId = node.getModel().getModelVersion().getId();
            OutputInfo override = node.getOutputInfoOverride();
            List<Concept> selection = override.getData().getConceptsCount() > 0
                    ? override.getData().getConceptsList()
                    : requested.getSelectConceptsList();
            boolean drop = false;
            Optional<ModelSpec> spec = calls.localModel(modelId, versionId).map(ModelFolder.Entry::spec);
            if (spec.isPresent()) {
                List<Concept> known =
                        selection.stream().filter(spec.get()::answers).toList();
                drop = !selection.isEmpty() && known.isEmpty() && spec.get().output() == ModelSpec.OutputKind.CONCEPTS;
                selection = known;
            }
            OutputInfo.Builder info = OutputInfo.newBuilder()
                    .setOutputConfig(requested.toBuilder().clearSelectConcepts().addAllSelectConcepts(selection));
            if (node.hasOutputInfoOverride()) {
                info.setData(override.getData()).setParams(override.getParams());
            }
            PostModelOutputsRequest template = PostModelOutputsRequest.newBuilder()
                    .setUserAppId(app)
                    .setModelId(modelId)
                    .setVersionId(versionId)
                    .setModel(Model.newBuilder()
                            .setId(modelId)
                            .setModelVersion(
                                    ModelVersion.newBuilder().setId(versionId).setOutputInfo(info)))
                    .build();
            return new NodeModel(node, template, drop);
        }

        String modelId() {
            return template.getModelId();
        }

        Model shown() {
            return Model.newBuilder()
                    .setId(template.getModelId())
                    .setModelVersion(ModelVersion.newBuilder().setId(template.getVersionId()))
                    .build();
        }

        PostModelOutputsRequest.Builder request() {
            return template.toBuilder();
        }
    }
}
