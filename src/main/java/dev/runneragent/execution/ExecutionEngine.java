package dev.runneragent.execution;

import ai.djl.util.cuda.CudaUtils;
import com.clarifai.grpc.api.Concept;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.Output;
import com.clarifai.grpc.api.OutputConfig;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.status.StatusCode;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs Clarifai model requests on this node's devices: a {@code PostModelOutputsRequest} in, a
 * {@code MultiOutputResponse} out, with one Output per input in request order. Models come from the model folder,
 * are placed on the devices their {@code inferenceComputeInfo} asks for, and are warmed before the node starts
 * serving. DJL never goes online.
 */
@Startup
@ApplicationScoped
public class ExecutionEngine {

    static {
        System.setProperty("ai.djl.offline", "true"); // natives come from the bundled jar; nothing downloads
    }

    /** Clarifai's limit of inputs in one model request. */
    public static final int MAX_INPUTS = 128;

    private final Map<String, LoadedModel> models = new LinkedHashMap<>();
    private final List<ModelFolder.Problem> problems = new ArrayList<>();
    private final DeviceInventory inventory;
    private final ExecutionMetrics metrics;
    private final Outputs outputs;
    private final Duration timeout;

    @Inject
    ExecutionEngine(
            ModelsConfig folder,
            ExecutionConfig config,
            DeviceInventory inventory,
            ExecutionMetrics metrics,
            Clock clock) {
        this.inventory = inventory;
        this.metrics = metrics;
        this.outputs = new Outputs(clock);
        this.timeout = config.timeout();
        ModelFolder.Scan scan = ModelFolder.scan(folder.dir(), config);
        problems.addAll(scan.problems());
        for (ModelFolder.Entry entry : scan.models()) {
            load(entry, config);
        }
        Log.infof(
                "Model folder %s: %d model(s) served %s, %d skipped",
                folder.dir().toAbsolutePath().normalize(), models.size(), models.keySet(), problems.size());
        registerDeviceMemory();
    }

    private void load(ModelFolder.Entry entry, ExecutionConfig config) {
        String id = entry.model().getId();
        Placement.Result placement = Placement.match(entry.spec().requirements(), inventory.inventory());
        if (placement instanceof Placement.Shortfall shortfall) {
            skip(entry, "model " + id + " " + shortfall.message());
            return;
        }
        try {
            models.put(
                    id,
                    LoadedModel.load(entry, ((Placement.Fit) placement).accelerators(), inventory, config, metrics));
        } catch (Exception e) {
            skip(entry, "model " + id + " could not be loaded: " + e.getMessage());
        }
    }

    private void skip(ModelFolder.Entry entry, String reason) {
        problems.add(new ModelFolder.Problem(entry.dir(), reason));
        Log.errorf("Skipping %s", reason);
    }

    /** The memory in use per device: the node's for the CPU, the driver's figure for each real GPU. */
    private void registerDeviceMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            metrics.deviceMemory("cpu", () -> os.getTotalMemorySize() - os.getFreeMemorySize());
        }
        if (!inventory.inventory().simulated()) {
            for (Inventory.Accelerator gpu : inventory.inventory().accelerators()) {
                metrics.deviceMemory(
                        gpu.label(),
                        () -> CudaUtils.getGpuMemory(inventory.djlDevice(gpu)).getCommitted());
            }
        }
    }

    /** The models this node serves, loaded and warmed. */
    public List<ModelFolder.Entry> entries() {
        return models.values().stream().map(m -> m.entry).toList();
    }

    /** The folders that did not become served models, and why. */
    public List<ModelFolder.Problem> problems() {
        return List.copyOf(problems);
    }

    public Inventory inventory() {
        return inventory.inventory();
    }

    /** Devices per served model, e.g. {@code colour-classifier -> [cpu]}. */
    public Map<String, List<String>> placements() {
        Map<String, List<String>> placements = new LinkedHashMap<>();
        models.forEach((id, model) -> placements.put(id, model.devices));
        return placements;
    }

    /** How full the fullest model queue is, from 0 to 1: the room this node has for more work. */
    public double busiestQueue() {
        double busiest = 0;
        for (LoadedModel model : models.values()) {
            busiest = Math.max(busiest, model.batcher.fill());
        }
        return busiest;
    }

    /**
     * Runs {@code request} and waits for its outputs, at most {@code runner.execution.timeout} from the call. An
     * input's own problem (an undecodable image, a text too long, a full queue) fails only that input's output;
     * the top-level status is SUCCESS, MIXED_STATUS or FAILURE.
     */
    public MultiOutputResponse predict(PostModelOutputsRequest request) {
        long deadline = System.nanoTime() + timeout.toNanos();
        LoadedModel model = models.get(request.getModelId());
        if (model == null) {
            return outputs.refusal(
                    request,
                    StatusCode.MODEL_DOES_NOT_EXIST,
                    "model '" + request.getModelId() + "' is not served by this node");
        }
        if (!request.getVersionId().isEmpty() && !request.getVersionId().equals(model.versionId())) {
            return outputs.refusal(
                    request,
                    StatusCode.MODEL_DOES_NOT_EXIST,
                    "model '" + model.id()
                            + "' has no version '" + request.getVersionId() + "' on this node; it serves version '"
                            + model.versionId() + "'");
        }
        if (request.getInputsCount() == 0 || request.getInputsCount() > MAX_INPUTS) {
            return outputs.refusal(
                    request,
                    StatusCode.MODEL_INVALID_ARGUMENT,
                    "a request takes 1 to " + MAX_INPUTS + " inputs; this one has " + request.getInputsCount());
        }
        OutputConfig config = outputConfig(request);
        String unknown = unknownSelectedConcept(model, config);
        if (unknown != null) {
            return outputs.refusal(
                    request,
                    StatusCode.MODEL_INVALID_ARGUMENT,
                    "outputConfig.selectConcepts names '" + unknown + "', which model '" + model.id() + "' lacks");
        }
        List<CompletableFuture<float[]>> rows = submit(model, request.getInputsList());
        List<Output> answers = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            answers.add(output(model, request.getInputs(i), rows.get(i), config, deadline));
        }
        return outputs.response(answers);
    }

    /**
     * Encodes every input on the calling thread, then hands the batcher all of them at once, so that a request's
     * inputs share batches. An input rejected while encoding gets a failed future with its reason.
     */
    private List<CompletableFuture<float[]>> submit(LoadedModel model, List<Input> inputs) {
        model.batcher.announce(inputs.size());
        List<CompletableFuture<float[]>> rows = new ArrayList<>(inputs.size());
        List<EncodedInput> encoded = new ArrayList<>(inputs.size());
        List<Integer> positions = new ArrayList<>(inputs.size());
        boolean submitted = false;
        try {
            for (Input input : inputs) {
                rows.add(null);
                try {
                    encoded.add(model.encoder.encode(input.getData()));
                    positions.add(rows.size() - 1);
                } catch (RejectedInputException e) {
                    rows.set(rows.size() - 1, CompletableFuture.failedFuture(e));
                } catch (RuntimeException e) {
                    rows.set(
                            rows.size() - 1,
                            CompletableFuture.failedFuture(new RejectedInputException(
                                    StatusCode.INPUT_INVALID_ARGUMENT,
                                    "this input cannot be read: " + e.getMessage())));
                }
            }
            List<CompletableFuture<float[]>> queued = model.batcher.submitAll(encoded, inputs.size());
            submitted = true;
            for (int i = 0; i < queued.size(); i++) {
                rows.set(positions.get(i), queued.get(i));
            }
            return rows;
        } finally {
            if (!submitted) {
                model.batcher.withdraw(inputs.size());
            }
        }
    }

    private Output output(
            LoadedModel model, Input input, CompletableFuture<float[]> row, OutputConfig config, long deadline) {
        try {
            float[] values = row.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return outputs.success(model, input, model.decoder.decode(values, config));
        } catch (ExecutionException e) {
            RejectedInputException rejected = e.getCause() instanceof RejectedInputException r
                    ? r
                    : new RejectedInputException(StatusCode.MODEL_PREDICTION_FAILED, String.valueOf(e.getCause()));
            return failed(model, input, rejected.codeNumber(), rejected.getMessage());
        } catch (TimeoutException e) {
            row.cancel(false);
            return failed(
                    model,
                    input,
                    StatusCode.RPC_REQUEST_TIMEOUT.getNumber(),
                    "model '" + model.id() + "' did not answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            row.cancel(false);
            return failed(model, input, StatusCode.RPC_CANCELED.getNumber(), "the request was interrupted");
        }
    }

    private Output failed(LoadedModel model, Input input, int code, String details) {
        metrics.error(model.id(), code);
        return outputs.failure(model, input, code, details);
    }

    /** The request's output config: {@code model.outputInfo}'s, with {@code model.modelVersion.outputInfo}'s over it. */
    private static OutputConfig outputConfig(PostModelOutputsRequest request) {
        return request.getModel().getOutputInfo().getOutputConfig().toBuilder()
                .mergeFrom(request.getModel().getModelVersion().getOutputInfo().getOutputConfig())
                .build();
    }

    /** A selected concept the model does not have, or null. */
    private static String unknownSelectedConcept(LoadedModel model, OutputConfig config) {
        for (Concept wanted : config.getSelectConceptsList()) {
            boolean known =
                    model.entry.spec().concepts().stream().anyMatch(c -> OutputDecoder.Concepts.matches(wanted, c));
            if (!known) {
                return wanted.getId().isEmpty() ? wanted.getName() : wanted.getId();
            }
        }
        return null;
    }

    @PreDestroy
    void close() {
        models.values().forEach(LoadedModel::close);
    }
}
