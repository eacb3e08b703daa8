package dev.runneragent.execution;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** The node's model folder. */
@ConfigMapping(prefix = "runner.models")
public interface ModelsConfig {

    /** One sub-folder per model, each with a {@code model.json} (a Clarifai Model message) and its weights. */
    @WithDefault("./models")
    Path dir();
}
