package dev.runneragent.workflow;

import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.api.StatusCodes;
import dev.runneragent.execution.ExecutionEngine;
import dev.runneragent.execution.LocalModels;
import dev.runneragent.execution.ModelFolder;
import dev.runneragent.runner.Dispatcher;
import dev.runneragent.runner.ItemStore.Target;
import dev.runneragent.runner.Resources;
import dev.runneragent.runner.RunnerModels;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where one workflow node's model request runs: in-process through the execution engine when this node serves the
 * model (at the node's version), else as a runner item for the user's runners that may take it, answered within
 * {@code runner.workflow.node-timeout}; when neither can, at once with {@code MODEL_NOT_DEPLOYED} (or
 * {@code MODEL_DOES_NOT_EXIST} when this node serves another version of the model).
 */
@ApplicationScoped
public class NodeCalls {

    private final ExecutionEngine engine;
    private final LocalModels local;
    private final RunnerModels runners;
    private final Dispatcher dispatcher;
    private final WorkflowConfig config;
    /**
     * Drives workflow graphs and runs the local predictions, which block until their outputs are ready: at most
     * {@code runner.workflow.max-concurrent-nodes} at once, the rest wait in line.
     */
    private final ThreadPoolExecutor localCalls;

    @Inject
    public NodeCalls(
            ExecutionEngine engine,
            LocalModels local,
            RunnerModels runners,
            Dispatcher dispatcher,
            WorkflowConfig config) {
        this.engine = engine;
        this.local = local;
        this.runners = runners;
        this.dispatcher = dispatcher;
        this.config = config;
        AtomicInteger count = new AtomicInteger();
        int threads = config.maxConcurrentNodes();
        this.localCalls =
                new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "workflow-node-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        localCalls.allowCoreThreadTimeOut(true);
    }

    /** Where workflow graphs run their nodes: never a Vert.x event loop. */
    public Executor executor() {
        return localCalls;
    }

    /** This node's model folder entry for {@code modelId} at {@code versionId} (empty: any), if it serves it. */
    public Optional<ModelFolder.Entry> localModel(String modelId, String versionId) {
        return local.entries().stream()
                .filter(e -> e.model().getId().equals(modelId))
                .filter(e -> versionId.isEmpty()
                        || e.model().getModelVersion().getId().equals(versionId))
                .findFirst();
    }

    /**
     * Runs {@code request} for {@code userId}'s workflow {@code workflowId}, on the calling thread when the model is
     * this node's (so the caller must be one that may block). The future completes with the model's response; it
     * fails only when the runner item could not be queued. Cancelling it cancels a runner item.
     */
    public CompletableFuture<MultiOutputResponse> call(
            String userId, String workflowId, PostModelOutputsRequest request) {
        String modelId = request.getModelId();
        String versionId = request.getVersionId();
        if (localModel(modelId, versionId).isPresent()) {
            // The graph calls from a thread that may block (a request's worker or a node thread): no hand-off.
            return CompletableFuture.completedFuture(engine.predict(request));
        }
        if (runners.mayServeNode(userId, modelId, versionId, workflowId)) {
            return dispatcher.submitAsync(
                    userId, request, new Target("", "", workflowId), Resources.NONE, config.nodeTimeout());
        }
        Optional<ModelFolder.Entry> otherVersion = localModel(modelId, "");
        if (otherVersion.isPresent()) {
            return refusal(
                    StatusCode.MODEL_DOES_NOT_EXIST,
                    "this node serves model '" + modelId + "' at version '"
                            + otherVersion.get().model().getModelVersion().getId() + "', not '" + versionId
                            + "', and no registered runner serves that version");
        }
        return refusal(
                StatusCode.MODEL_NOT_DEPLOYED,
                "model '" + modelId + "' is not served by this node and no registered runner of user '" + userId
                        + "' may serve it");
    }

    private static CompletableFuture<MultiOutputResponse> refusal(StatusCode code, String details) {
        return CompletableFuture.completedFuture(MultiOutputResponse.newBuilder()
                .setStatus(Status.newBuilder()
                        .setCode(code)
                        .setDescription(StatusCodes.description(code))
                        .setDetails(details))
                .build());
    }

    @PreDestroy
    void close() {
        localCalls.shutdownNow();
    }
}
