package dev.runneragent.execution;

import com.clarifai.grpc.api.Model;
import dev.runneragent.api.ProtoJson;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the model folder: one sub-folder per model, each with a {@code model.json} holding a Clarifai {@link Model}
 * message (how to run it in its metadata, see {@link ModelSpec}) and the files it names (weights, tokenizer). A
 * malformed folder, or one missing a file, is reported by name and skipped; the others still load.
 */
public final class ModelFolder {

    public static final String DESCRIPTOR = "model.json";

    /** One model of the folder: where it lives, what its {@code model.json} says, and how to run it. */
    public record Entry(Path dir, Model model, ModelSpec spec) {}

    /** A sub-folder that could not be read, and why. */
    public record Problem(Path dir, String reason) {}

    /** What a scan found. */
    public record Scan(List<Entry> models, List<Problem> problems) {}

    private ModelFolder() {}

    public static Scan scan(Path folder, ExecutionConfig defaults) {
        List<Entry> models = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            Log.warnf("Model folder %s does not exist; the node serves no local models", folder.toAbsolutePath());
            return new Scan(models, problems);
        }
        try (Stream<Path> children = Files.list(folder)) {
            for (Path dir : children.filter(Files::isDirectory).sorted().toList()) {
                try {
                    Model model = read(dir);
                    models.add(new Entry(dir, model, spec(dir, model, defaults)));
                } catch (IOException | RuntimeException e) {
                    problems.add(new Problem(dir, e.getMessage()));
                    Log.warnf("Skipping model folder %s: %s", dir.getFileName(), e.getMessage());
                }
            }
        } catch (IOException e) {
            Log.errorf("Cannot list the model folder %s: %s", folder.toAbsolutePath(), e.getMessage());
        }
        return new Scan(models, problems);
    }

    private static ModelSpec spec(Path dir, Model model, ExecutionConfig defaults) throws IOException {
        ModelSpec spec = ModelSpec.of(model, defaults);
        requireFile(dir, spec.weights(), "metadata.execution.weights");
        if (spec.input() == ModelSpec.InputKind.TEXT) {
            requireFile(dir, spec.tokenizer(), "metadata.execution.tokenizer");
        }
        return spec;
    }

    private static void requireFile(Path dir, String name, String setting) throws IOException {
        Path base = dir.toAbsolutePath().normalize();
        Path file = base.resolve(name).normalize();
        if (!file.startsWith(base)) {
            throw new IOException(setting + " '" + name + "' points outside the model's folder");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(name + " is missing (" + setting + ")");
        }
    }

    private static Model read(Path dir) throws IOException {
        Path descriptor = dir.resolve(DESCRIPTOR);
        if (!Files.isRegularFile(descriptor)) {
            throw new IOException(DESCRIPTOR + " is missing");
        }
        Model.Builder model = Model.newBuilder();
        try {
            ProtoJson.merge(Files.readString(descriptor, StandardCharsets.UTF_8), model);
        } catch (ProtoJson.MalformedJsonException | ProtoJson.InvalidJsonValueException e) {
            throw new IOException(DESCRIPTOR + " is not a valid Model message: " + e.getMessage(), e);
        }
        if (model.getId().isEmpty()) {
            model.setId(dir.getFileName().toString());
        }
        if (!model.getId().equals(dir.getFileName().toString())) {
            throw new IOException(
                    DESCRIPTOR + " names model '" + model.getId() + "' but its folder is '" + dir.getFileName() + "'");
        }
        if (model.getModelVersion().getId().isEmpty()) {
            throw new IOException(DESCRIPTOR + " needs modelVersion.id");
        }
        return model.build();
    }
}
