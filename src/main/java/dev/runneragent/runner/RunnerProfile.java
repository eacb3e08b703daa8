package dev.runneragent.runner;

import java.util.List;

/**
 * What the queue needs to know of a runner to hand it items: whose it is, what it is bound to (a model, perhaps one
 * version of it, or a workflow; empty strings for none), its nodepool, the models it advertises, how many items a
 * poll may lease, and its declared resources ({@code null}: it declared none and is trusted with any item).
 */
public record RunnerProfile(
        String userId,
        String id,
        String modelId,
        String modelVersionId,
        String workflowId,
        String nodepoolId,
        List<String> hostedModels,
        int capacity,
        Resources resources) {

    public RunnerProfile {
        hostedModels = List.copyOf(hostedModels);
    }

    /**
     * Whether items of {@code modelId} may suit this runner, as far as binding and advertised models tell (the
     * selector and resources are checked by the queue). Decides which waiting polls a new item wakes.
     */
    public boolean mayServe(String modelId) {
        if (!this.modelId.isEmpty()) {
            return this.modelId.equals(modelId);
        }
        return !workflowId.isEmpty() || hostedModels.isEmpty() || hostedModels.contains(modelId);
    }
}
