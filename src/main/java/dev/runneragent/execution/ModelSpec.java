package dev.runneragent.execution;

import com.clarifai.grpc.api.Concept;
import com.clarifai.grpc.api.Model;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * How to run a model, from its model.json: the {@code execution} object of the Model's {@code metadata}, plus the
 * version's {@code inferenceComputeInfo} (what it needs) and {@code outputInfo} concepts (what it answers).
 *
 * <pre>
 * "metadata": {"execution": {
 *   "input": "image" | "text" | "embeddings",  "output": "concepts" | "embeddings",
 *   "weights": "model.pt",              (TorchScript, in the model's folder)
 *   "imageSize": 32 or [width, height], "mean": [r, g, b], "std": [r, g, b]   (images, pixels scaled to 0..1)
 *   "tokenizer": "tokenizer.json",      "maxTokens": 64,  "addSpecialTokens": true                  (text)
 *   "inputSize": 48                     (embeddings: the length of data.embeddings[0].vector, e.g. from a workflow
 *                                        node's parent)
 *   "activation": "softmax" | "sigmoid" | "none",                             (concepts)
 *   "maxBatchSize": 8, "maxBatchDelayMs": 5,
 *   "cpuLimit": "500m"}}               (the newer API's CPU quantity, beside the version's inferenceComputeInfo)
 * </pre>
 */
public record ModelSpec(
        InputKind input,
        OutputKind output,
        String weights,
        int imageWidth,
        int imageHeight,
        float[] mean,
        float[] std,
        String tokenizer,
        int maxTokens,
        boolean addSpecialTokens,
        int inputSize,
        Activation activation,
        List<Concept> concepts,
        int maxBatchSize,
        Duration maxBatchDelay,
        Requirements requirements) {

    /** What a model takes. */
    public enum InputKind {
        IMAGE,
        TEXT,
        /** {@code data.embeddings[0].vector}, such as a workflow node gets from an embedding model before it. */
        EMBEDDINGS
    }

    /** What a model answers. */
    public enum OutputKind {
        CONCEPTS,
        EMBEDDINGS
    }

    /** How a classifier's scores become concept values. */
    public enum Activation {
        SOFTMAX,
        SIGMOID,
        NONE
    }

    /** The largest batch the engine forms; bigger ones need a bigger input queue than a node should hold. */
    static final int MAX_BATCH_SIZE = 256;

    /** The settings {@code metadata.execution} may hold; any other key is a typo worth refusing. */
    private static final Set<String> KEYS = Set.of(
            "input",
            "output",
            "weights",
            "imageSize",
            "mean",
            "std",
            "tokenizer",
            "maxTokens",
            "addSpecialTokens",
            "inputSize",
            "activation",
            "maxBatchSize",
            "maxBatchDelayMs",
            "cpuLimit");

    /**
     * Reads the spec of {@code model}, with {@code defaults} for what model.json leaves out.
     *
     * @throws IllegalArgumentException naming the setting that is missing or wrong
     */
    public static ModelSpec of(Model model, ExecutionConfig defaults) {
        Struct execution = model.getMetadata()
                .getFieldsOrDefault("execution", Value.getDefaultInstance())
                .getStructValue();
        if (execution.getFieldsCount() == 0) {
            throw new IllegalArgumentException("metadata.execution is missing: it says how to run the model");
        }
        for (String key : execution.getFieldsMap().keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(
                        "metadata.execution." + key + " is not a setting; known: " + new TreeSet<>(KEYS));
            }
        }
        Settings settings = new Settings(execution);
        InputKind input = settings.choice("input", InputKind.class, null);
        OutputKind output = settings.choice("output", OutputKind.class, null);
        List<Concept> concepts =
                model.getModelVersion().getOutputInfo().getData().getConceptsCount() > 0
                        ? model.getModelVersion().getOutputInfo().getData().getConceptsList()
                        : model.getOutputInfo().getData().getConceptsList();
        if (output == OutputKind.CONCEPTS && concepts.isEmpty()) {
            throw new IllegalArgumentException("a concepts model needs outputInfo.data.concepts");
        }
        int[] size = input == InputKind.IMAGE ? settings.imageSize() : new int[] {0, 0};
        int maxBatch = settings.integer("maxBatchSize", defaults.defaultMaxBatchSize());
        if (maxBatch < 1 || maxBatch > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("metadata.execution.maxBatchSize must be 1 to " + MAX_BATCH_SIZE);
        }
        long delayMs = settings.integer(
                "maxBatchDelayMs", (int) defaults.defaultMaxBatchDelay().toMillis());
        int maxTokens = settings.integer("maxTokens", 64);
        int inputSize = input == InputKind.EMBEDDINGS ? settings.integer("inputSize", 0) : 0;
        if (input == InputKind.EMBEDDINGS && inputSize < 1) {
            throw new IllegalArgumentException(
                    "metadata.execution.inputSize is missing: an embeddings model needs the length of its input vector");
        }
        long rowLength = switch (input) {
            case IMAGE -> 3L * size[0] * size[1];
            case TEXT -> maxTokens;
            case EMBEDDINGS -> inputSize;
        };
        if (maxTokens < 1 || rowLength * maxBatch > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("metadata.execution: a batch of " + maxBatch + " inputs of " + rowLength
                    + " numbers is larger than one tensor may be; lower maxBatchSize, imageSize or maxTokens");
        }
        return new ModelSpec(
                input,
                output,
                settings.text("weights", "model.pt"),
                size[0],
                size[1],
                settings.triple("mean", 0f),
                settings.triple("std", 1f),
                input == InputKind.TEXT ? settings.text("tokenizer", "tokenizer.json") : "",
                maxTokens,
                settings.bool("addSpecialTokens", true),
                inputSize,
                settings.choice("activation", Activation.class, Activation.SOFTMAX),
                List.copyOf(concepts),
                maxBatch,
                Duration.ofMillis(Math.max(0, delayMs)),
                Requirements.of(model.getModelVersion().getInferenceComputeInfo(), settings.text("cpuLimit", null)));
    }

    /** Whether this model answers {@code wanted} (matched by id, or by name), one of its output concepts. */
    public boolean answers(Concept wanted) {
        return output == OutputKind.CONCEPTS
                && concepts.stream().anyMatch(c -> OutputDecoder.Concepts.matches(wanted, c));
    }

    /** Typed reads of the {@code execution} object, each error naming its setting. */
    private record Settings(Struct struct) {

        <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
            Value value = struct.getFieldsMap().get(name);
            if (value == null) {
                if (fallback == null) {
                    throw new IllegalArgumentException("metadata.execution." + name + " is missing");
                }
                return fallback;
            }
            try {
                return Enum.valueOf(type, value.getStringValue().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("metadata.execution." + name + " must be one of "
                        + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
            }
        }

        String text(String name, String fallback) {
            Value value = struct.getFieldsMap().get(name);
            return value == null || value.getStringValue().isBlank() ? fallback : value.getStringValue();
        }

        boolean bool(String name, boolean fallback) {
            Value value = struct.getFieldsMap().get(name);
            if (value == null) {
                return fallback;
            }
            if (value.getKindCase() != Value.KindCase.BOOL_VALUE) {
                throw new IllegalArgumentException("metadata.execution." + name + " must be true or false");
            }
            return value.getBoolValue();
        }

        int integer(String name, int fallback) {
            Value value = struct.getFieldsMap().get(name);
            if (value == null) {
                return fallback;
            }
            if (value.getKindCase() != Value.KindCase.NUMBER_VALUE
                    || value.getNumberValue() != Math.rint(value.getNumberValue())) {
                throw new IllegalArgumentException("metadata.execution." + name + " must be a whole number");
            }
            return (int) value.getNumberValue();
        }

        int[] imageSize() {
            Value value = struct.getFieldsMap().get("imageSize");
            if (value == null) {
                throw new IllegalArgumentException("metadata.execution.imageSize is missing (an image model's input)");
            }
            int width;
            int height;
            if (value.hasListValue() && value.getListValue().getValuesCount() == 2) {
                width = (int) value.getListValue().getValues(0).getNumberValue();
                height = (int) value.getListValue().getValues(1).getNumberValue();
            } else {
                width = (int) value.getNumberValue();
                height = width;
            }
            if (width < 1 || height < 1 || width > 4096 || height > 4096) {
                throw new IllegalArgumentException(
                        "metadata.execution.imageSize must be 1 to 4096, or [width, height] in that range");
            }
            return new int[] {width, height};
        }

        float[] triple(String name, float fallback) {
            Value value = struct.getFieldsMap().get(name);
            if (value == null) {
                return new float[] {fallback, fallback, fallback};
            }
            if (!value.hasListValue() || value.getListValue().getValuesCount() != 3) {
                throw new IllegalArgumentException("metadata.execution." + name + " must be [r, g, b]");
            }
            float[] triple = new float[3];
            for (int i = 0; i < 3; i++) {
                triple[i] = (float) value.getListValue().getValues(i).getNumberValue();
            }
            if (name.equals("std") && (triple[0] == 0 || triple[1] == 0 || triple[2] == 0)) {
                throw new IllegalArgumentException("metadata.execution.std must not hold 0");
            }
            return triple;
        }
    }
}
