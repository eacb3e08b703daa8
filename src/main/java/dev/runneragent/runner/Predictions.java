package dev.runneragent.runner;

import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.RunnerSelector;
import dev.runneragent.api.Caller;
import dev.runneragent.api.ResourceKind;
import dev.runneragent.execution.ExecutionEngine;
import dev.runneragent.execution.LocalModels;
import dev.runneragent.execution.Requirements;
import dev.runneragent.runner.ItemStore.Target;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;

/**
 * {@code PostModelOutputs}: a prediction runs on this node's own devices when the node serves the model and the
 * request names no {@code runnerSelector}; otherwise it becomes a runner item for the user's runners (through the
 * {@link Dispatcher}) and the call answers when a runner has posted its outputs.
 */
@ApplicationScoped
public class Predictions {

    private static final ResourceKind KIND = ResourceKind.MODEL;

    private final ExecutionEngine engine;
    private final LocalModels local;
    private final RunnerModels remote;
    private final Dispatcher dispatcher;

    @Inject
    public Predictions(ExecutionEngine engine, LocalModels local, RunnerModels remote, Dispatcher dispatcher) {
        this.engine = engine;
        this.local = local;
        this.remote = remote;
        this.dispatcher = dispatcher;
    }

    public CompletableFuture<MultiOutputResponse> postModelOutputs(Caller caller, PostModelOutputsRequest request) {
        String userId = caller.user(request.getUserAppId(), KIND);
        caller.app(request.getUserAppId(), KIND);
        String modelId = Ids.required(request.getModelId(), Ids.MODEL, "modelId", KIND);
        Ids.optional(request.getVersionId(), Ids.VERSION, "versionId", KIND);
        RunnerSelector selector = request.getRunnerSelector();
        String runnerId = Ids.optional(selector.getRunner().getId(), Ids.RUNNER, "runnerSelector.runner.id", KIND);
        String nodepoolId =
                Ids.optional(selector.getNodepool().getId(), Ids.RUNNER, "runnerSelector.nodepool.id", KIND);
        if (!runnerId.isEmpty() && !remote.exists(userId, runnerId)) {
            throw ResourceKind.RUNNER.notFound(
                    "runnerSelector.runner.id names runner '" + runnerId + "', which does not exist");
        }
        boolean routed = !runnerId.isEmpty() || !nodepoolId.isEmpty();
        if (!routed && !local.served(userId, modelId).isEmpty()) {
            return CompletableFuture.completedFuture(engine.predict(request));
        }
        if (!routed && !remote.anyMayServe(userId, modelId)) {
            throw KIND.notFound("model '" + modelId + "' is not served by this node or any registered runner");
        }
        Resources need;
        try {
            need = Resources.of(
                    Requirements.of(request.getModel().getModelVersion().getInferenceComputeInfo(), null));
        } catch (IllegalArgumentException e) {
            throw KIND.invalid("model.modelVersion.inferenceComputeInfo: " + e.getMessage());
        }
        Target target = new Target(runnerId, nodepoolId, "");
        return dispatcher.submitAsync(userId, request, target, need, null);
    }
}
