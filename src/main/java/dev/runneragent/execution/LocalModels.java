package dev.runneragent.execution;

import com.clarifai.grpc.api.Model;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The models of this node's model folder, read once at start. They are served to every user of the node. */
@Startup
@ApplicationScoped
public class LocalModels implements ModelLocator {

    private final List<ModelFolder.Entry> entries;
    private final Map<String, ModelFolder.Entry> byId;

    @Inject
    LocalModels(ModelsConfig config) {
        ModelFolder.Scan scan = ModelFolder.scan(config.dir());
        this.entries = List.copyOf(scan.models());
        this.byId = entries.stream().collect(Collectors.toMap(e -> e.model().getId(), Function.identity()));
        Log.infof(
                "Model folder %s: %d model(s) %s, %d skipped",
                config.dir().toAbsolutePath(),
                entries.size(),
                byId.keySet(),
                scan.problems().size());
    }

    public List<ModelFolder.Entry> entries() {
        return entries;
    }

    @Override
    public List<Model> served(String userId, String modelId) {
        ModelFolder.Entry entry = byId.get(modelId);
        return entry == null ? List.of() : List.of(entry.model());
    }
}
