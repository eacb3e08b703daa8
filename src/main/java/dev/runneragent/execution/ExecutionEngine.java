package dev.runneragent.execution;

import ai.djl.util.cuda.CudaUtils;
import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.ModelVersion;
import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.Output;
import com.clarifai.grpc.api.OutputConfig;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.runneragent.api.StatusCodes;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true"); // natives come from the bundled jar; nothing downloads
        }
    }

    /** Clarifai's limit of inputs in one model request. */
    public static final int MAX_INPUTS = 128;

    private final Map<String, LoadedModel> models = new LinkedHashMap<>();
    private final List<ModelFolder.Problem> problems = new ArrayList<>();
    private final DeviceInventory inventory;
    private final ExecutionMetrics metrics;
    private final Clock clock;
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
        this.clock = clock;
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

    /**
     * Runs {@code request} and waits for its outputs. Per-input problems (an undecodable image, a text too long, a
     * full queue) fail only that input's output; the top-level status is SUCCESS, MIXED_STATUS or FAILURE.
     */
    public MultiOutputResponse predict(PostModelOutputsRequest request) {
        LoadedModel model = models.get(request.getModelId());
        if (model == null) {
            return refusal(
                    request,
                    StatusCode.MODEL_DOES_NOT_EXIST,
                    "model '" + request.getModelId() + "' is not served by this node");
        }
        if (!request.getVersionId().isEmpty() && !request.getVersionId().equals(model.versionId())) {
            return refusal(
                    request,
                    StatusCode.MODEL_DOES_NOT_EXIST,
                    "model '" + model.id() + "' has no version '" + request.getVersionId()
                            + "' on this node; it serves version '" + model.versionId() + "'");
        }
        if (request.getInputsCount() == 0 || request.getInputsCount() > MAX_INPUTS) {
            return refusal(
                    request,
                    StatusCode.MODEL_INVALID_ARGUMENT,
                    "a request takes 1 to " + MAX_INPUTS + " inputs; this one has " + request.getInputsCount());
        }
        OutputConfig config =
                request.getModel().getModelVersion().getOutputInfo().getOutputConfig();
        List<CompletableFuture<float[]>> rows = submit(model, request.getInputsList());
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Output> outputs = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            outputs.add(output(model, request.getInputs(i), rows.get(i), config, deadline));
        }
        return MultiOutputResponse.newBuilder()
                .setStatus(overall(outputs))
                .addAllOutputs(outputs)
                .build();
    }

    /** Encodes every input on the calling thread and queues it; a rejected input's future holds its reason. */
    private List<CompletableFuture<float[]>> submit(LoadedModel model, List<Input> inputs) {
        model.batcher.announce(inputs.size());
        List<CompletableFuture<float[]>> rows = new ArrayList<>(inputs.size());
        for (Input input : inputs) {
            EncodedInput encoded;
            try {
                encoded = model.encoder.encode(input.getData());
            } catch (RejectedInputException e) {
                model.batcher.withdraw();
                rows.add(CompletableFuture.failedFuture(e));
                continue;
            }
            try {
                rows.add(model.batcher.submit(encoded));
            } catch (RejectedInputException e) {
                rows.add(CompletableFuture.failedFuture(e));
            }
        }
        return rows;
    }

    private Output output(
            LoadedModel model, Input input, CompletableFuture<float[]> row, OutputConfig config, long deadline) {
        Output.Builder output = Output.newBuilder()
                .setId(UUID.randomUUID().toString().replace("-", ""))
                .setCreatedAt(now())
                .setModel(Model.newBuilder()
                        .setId(model.id())
                        .setModelVersion(ModelVersion.newBuilder().setId(model.versionId())))
                .setInput(echo(input));
        try {
            float[] values = row.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return output.setStatus(status(StatusCode.SUCCESS.getNumber(), ""))
                    .setData(model.decoder.decode(values, config))
                    .build();
        } catch (ExecutionException e) {
            RejectedInputException rejected = e.getCause() instanceof RejectedInputException r
                    ? r
                    : new RejectedInputException(StatusCode.MODEL_PREDICTION_FAILED, String.valueOf(e.getCause()));
            metrics.error(model.id(), rejected.codeNumber());
            return output.setStatus(status(rejected.codeNumber(), rejected.getMessage()))
                    .build();
        } catch (TimeoutException e) {
            row.cancel(false);
            metrics.error(model.id(), StatusCode.RPC_REQUEST_TIMEOUT.getNumber());
            return output.setStatus(status(
                            StatusCode.RPC_REQUEST_TIMEOUT.getNumber(),
                            "model '" + model.id() + "' did not answer within " + timeout.toMillis() + " ms"))
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            row.cancel(false);
            return output.setStatus(status(StatusCode.RPC_CANCELED.getNumber(), "the request was interrupted"))
                    .build();
        }
    }

    /** The input as its output echoes it: its id and data, without the bytes it was sent with. */
    private static Input echo(Input input) {
        Data.Builder data = input.getData().toBuilder();
        if (data.hasImage()) {
            data.setImage(data.getImage().toBuilder().setBase64(ByteString.EMPTY));
        }
        return input.toBuilder().setData(data).build();
    }

    /** Every input refused for one reason (not counted per model: the model id may be anything a client sent). */
    private MultiOutputResponse refusal(PostModelOutputsRequest request, StatusCode code, String details) {
        MultiOutputResponse.Builder response =
                MultiOutputResponse.newBuilder().setStatus(status(StatusCode.FAILURE.getNumber(), details));
        for (Input input : request.getInputsList()) {
            response.addOutputs(Output.newBuilder()
                    .setId(UUID.randomUUID().toString().replace("-", ""))
                    .setCreatedAt(now())
                    .setStatus(status(code.getNumber(), details))
                    .setInput(echo(input)));
        }
        return response.build();
    }

    /** SUCCESS when every output succeeded, FAILURE when none did, MIXED_STATUS otherwise. */
    static Status overall(List<Output> outputs) {
        long succeeded = outputs.stream()
                .filter(o -> o.getStatus().getCode() == StatusCode.SUCCESS)
                .count();
        if (succeeded == outputs.size()) {
            return status(StatusCode.SUCCESS.getNumber(), "");
        }
        if (succeeded == 0) {
            return status(StatusCode.FAILURE.getNumber(), "every input failed; each output's status says why");
        }
        return status(
                StatusCode.MIXED_STATUS.getNumber(),
                (outputs.size() - succeeded) + " of " + outputs.size() + " inputs failed");
    }

    static Status status(int code, String details) {
        StatusCode known = StatusCode.forNumber(code);
        String description = known != null
                ? StatusCodes.description(known)
                : code == Batcher.MODEL_BUSY_PLEASE_RETRY ? "Model busy, please retry" : "Status " + code;
        return Status.newBuilder()
                .setCodeValue(code)
                .setDescription(description)
                .setDetails(details)
                .build();
    }

    private Timestamp now() {
        Instant instant = clock.instant();
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }

    @PreDestroy
    void close() {
        models.values().forEach(LoadedModel::close);
    }
}
