package dev.runneragent.execution;

import com.clarifai.grpc.api.Model;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/** The models this node serves from its model folder (loaded and warmed by the engine), to every user of the node. */
@ApplicationScoped
public class LocalModels implements ModelLocator {

    @Inject
    ExecutionEngine engine;

    public List<ModelFolder.Entry> entries() {
        return engine.entries();
    }

    @Override
    public List<Model> served(String userId, String modelId) {
        return engine.entries().stream()
                .map(ModelFolder.Entry::model)
                .filter(model -> model.getId().equals(modelId))
                .toList();
    }
}
