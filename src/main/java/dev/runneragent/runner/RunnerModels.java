package dev.runneragent.runner;

import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.ModelVersion;
import dev.runneragent.execution.ModelLocator;
import dev.runneragent.runner.RunnerStore.StoredRunner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models a user's registered runners serve: the model a runner is bound to (with its version when it names
 * one), and the models unbound runners advertise in {@code metadata.models} (any version).
 */
@ApplicationScoped
public class RunnerModels implements ModelLocator {

    private final RunnerStore runners;

    @Inject
    public RunnerModels(RunnerStore runners) {
        this.runners = runners;
    }

    @Override
    public List<Model> served(String userId, String modelId) {
        Map<String, Model> versions = new LinkedHashMap<>();
        for (StoredRunner stored : runners.all(userId)) {
            boolean bound = stored.profile().modelId().equals(modelId);
            boolean advertised = stored.profile().hostedModels().contains(modelId);
            if (!bound && !advertised) {
                continue;
            }
            String version = bound ? stored.profile().modelVersionId() : "";
            versions.putIfAbsent(
                    version,
                    Model.newBuilder()
                            .setId(modelId)
                            .setUserId(userId)
                            .setModelVersion(ModelVersion.newBuilder().setId(version))
                            .build());
        }
        return List.copyOf(versions.values());
    }

    /** Whether the user has a runner {@code runnerId}. */
    public boolean exists(String userId, String runnerId) {
        return runners.find(userId, runnerId).isPresent();
    }

    /**
     * Whether some runner of the user may take a workflow node's item of {@code modelId} at {@code versionId} (empty:
     * any) for workflow {@code workflowId}: bound to that model (and version, if it names one), bound to that
     * workflow, or unbound and advertising the model or nothing.
     */
    public boolean mayServeNode(String userId, String modelId, String versionId, String workflowId) {
        return runners.all(userId).stream().map(StoredRunner::profile).anyMatch(r -> {
            if (!r.modelId().isEmpty()) {
                return r.modelId().equals(modelId)
                        && (versionId.isEmpty()
                                || r.modelVersionId().isEmpty()
                                || r.modelVersionId().equals(versionId));
            }
            if (!r.workflowId().isEmpty()) {
                return r.workflowId().equals(workflowId);
            }
            return r.hostedModels().isEmpty() || r.hostedModels().contains(modelId);
        });
    }

    /** Whether some runner of the user may take items of {@code modelId} (bound, advertised, or open to any). */
    public boolean anyMayServe(String userId, String modelId) {
        return runners.all(userId).stream().anyMatch(r -> r.profile().mayServe(modelId));
    }
}
