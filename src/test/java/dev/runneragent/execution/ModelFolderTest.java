package dev.runneragent.execution;

import static dev.runneragent.execution.TestInputs.image;
import static dev.runneragent.execution.TestInputs.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.status.StatusCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model folder with broken models in it: each is reported by name and skipped, the others serve. */
class ModelFolderTest {

    private static final Path COLOUR = TestEngines.SAMPLE_MODELS.resolve("colour-classifier");
    private static final String TWO_GPUS = """
            "inferenceComputeInfo": {"numAccelerators": 2, "acceleratorMemory": "16Gi",
                                     "acceleratorType": ["NVIDIA-A10G"]}""";

    @TempDir
    Path folder;

    private final List<ExecutionEngine> engines = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void closeEngines() {
        engines.forEach(ExecutionEngine::close);
    }

    @Test
    void brokenFoldersAreSkippedByNameAndTheOthersServe() throws IOException {
        copy("good");
        copy("no-weights");
        Files.delete(folder.resolve("no-weights/model.pt"));
        copy("corrupt-weights");
        Files.writeString(folder.resolve("corrupt-weights/model.pt"), "not a TorchScript file");
        copy("no-execution");
        edit("no-execution", "\"metadata\"", "\"unused\"");
        copy("bad-setting");
        edit("bad-setting", "\"input\": \"image\"", "\"input\": \"video\"");
        copy("no-input-size");
        edit("no-input-size", "\"input\": \"image\"", "\"input\": \"embeddings\"");
        copy("typo");
        edit("typo", "\"maxBatchSize\"", "\"maxBatchSise\"");
        Files.createDirectories(folder.resolve("not-json"));
        Files.writeString(folder.resolve("not-json/model.json"), "{\"id\": ");
        Files.createDirectories(folder.resolve("empty"));

        ExecutionEngine engine = engine("");
        assertEquals(
                List.of("good"),
                engine.entries().stream().map(e -> e.model().getId()).toList());
        Map<String, String> problems = problems(engine);
        assertEquals(
                List.of(
                        "bad-setting",
                        "corrupt-weights",
                        "empty",
                        "no-execution",
                        "no-input-size",
                        "no-weights",
                        "not-json",
                        "typo"),
                List.copyOf(problems.keySet()));
        assertTrue(problems.get("typo").contains("metadata.execution.maxBatchSise is not a setting"));
        assertTrue(problems.get("no-input-size").contains("metadata.execution.inputSize is missing"));
        assertTrue(problems.get("no-weights").contains("model.pt is missing"), problems.get("no-weights"));
        assertTrue(problems.get("corrupt-weights").contains("could not be loaded"), problems.get("corrupt-weights"));
        assertTrue(problems.get("no-execution").contains("metadata.execution is missing"));
        assertTrue(problems.get("bad-setting")
                .contains("metadata.execution.input must be one of [image, text, embeddings]"));
        assertTrue(problems.get("not-json").contains("model.json is not a valid Model message"));
        assertTrue(problems.get("empty").contains("model.json is missing"));
        MultiOutputResponse answer = engine.predict(request("good", image("a", TestInputs.solid(Color.RED, 8))));
        assertEquals(StatusCode.SUCCESS, answer.getStatus().getCode());
    }

    @Test
    void aRelativeFolderAsTheDefaultConfigurationGivesItServesEverySample() {
        ModelFolder.Scan scan = ModelFolder.scan(Path.of("./models"), TestEngines.config(4, Duration.ZERO, 64));
        assertEquals(List.of(), scan.problems());
        assertEquals(
                List.of(
                        "colour-classifier",
                        "colour-from-embedding",
                        "image-embedder",
                        "text-embedder",
                        "text-sentiment"),
                scan.models().stream().map(e -> e.model().getId()).toList());
    }

    @Test
    void weightsOutsideTheModelsFolderAreRefused() throws IOException {
        copy("escape");
        edit("escape", "\"weights\": \"model.pt\"", "\"weights\": \"../good/model.pt\"");
        assertTrue(problems(engine("")).get("escape").contains("points outside the model's folder"));
    }

    @Test
    void aModelThatNeedsGpusTheNodeLacksIsSkippedNamingWhatIsMissing() throws IOException {
        copy("big");
        edit("big", "\"modelVersion\": {", "\"modelVersion\": {" + TWO_GPUS + ",");
        ExecutionEngine cpuOnly = engine("");
        assertEquals(List.of(), cpuOnly.entries());
        assertTrue(
                problems(cpuOnly)
                        .get("big")
                        .contains("needs 2 accelerator(s) of type NVIDIA-A10G with 16Gi each; this node has 0"),
                problems(cpuOnly).toString());
    }

    @Test
    void theNewerCpuLimitInModelJsonIsChecked() throws IOException {
        copy("greedy");
        edit("greedy", "\"activation\"", "\"cpuLimit\": \"4000\", \"activation\"");
        assertTrue(problems(engine("")).get("greedy").contains("needs 4000 CPU(s)"));
    }

    @Test
    void onASimulatedInventoryItGetsAWorkerPerGpuComputingOnTheCpu() throws IOException {
        copy("big");
        edit("big", "\"modelVersion\": {", "\"modelVersion\": {" + TWO_GPUS + ",");
        ExecutionEngine simulated = engine("gpu:2:24Gi:NVIDIA-A10G");
        assertTrue(simulated.inventory().simulated());
        assertEquals(Map.of("big", List.of("gpu0", "gpu1")), simulated.placements());
        MultiOutputResponse answer = simulated.predict(request("big", image("a", TestInputs.solid(Color.BLUE, 8))));
        assertEquals("blue", answer.getOutputs(0).getData().getConcepts(0).getId());
    }

    private ExecutionEngine engine(String simulate) {
        return TestEngines.engine(
                folder, TestEngines.config(4, Duration.ofMillis(1), 64), simulate, new SimpleMeterRegistry());
    }

    private void copy(String id) throws IOException {
        Path target = Files.createDirectories(folder.resolve(id));
        Files.copy(COLOUR.resolve("model.pt"), target.resolve("model.pt"));
        Files.writeString(
                target.resolve("model.json"),
                Files.readString(COLOUR.resolve("model.json")).replace("\"colour-classifier\"", "\"" + id + "\""));
    }

    private void edit(String id, String from, String to) throws IOException {
        Path json = folder.resolve(id).resolve("model.json");
        String text = Files.readString(json);
        assertTrue(text.contains(from), "fixture edit " + from);
        Files.writeString(json, text.replace(from, to));
    }

    private static Map<String, String> problems(ExecutionEngine engine) {
        Map<String, String> byName = new TreeMap<>();
        engine.problems().forEach(p -> byName.put(p.dir().getFileName().toString(), p.reason()));
        return byName;
    }
}
