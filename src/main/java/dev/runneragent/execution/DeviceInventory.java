package dev.runneragent.execution;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import dev.runneragent.execution.Inventory.Accelerator;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The node's inventory: detected (CPU cores and memory from the JVM, GPUs and their memory from DJL's CUDA probe), or
 * declared by {@code runner.devices.simulate} for tests.
 */
@ApplicationScoped
public class DeviceInventory {

    private final Inventory inventory;

    @Inject
    DeviceInventory(DevicesConfig config) {
        this.inventory = config.simulate()
                .filter(s -> !s.isBlank())
                .map(DeviceInventory::simulated)
                .orElseGet(DeviceInventory::detected);
        if (inventory.simulated()) {
            Log.warnf("Device inventory is SIMULATED by runner.devices.simulate: %s", inventory.describe());
        } else {
            Log.infof("Device inventory: %s", inventory.describe());
        }
    }

    public Inventory inventory() {
        return inventory;
    }

    /** The DJL device a worker for {@code accelerator} computes on: the GPU itself, or the CPU when simulated. */
    public Device djlDevice(Accelerator accelerator) {
        return inventory.simulated() ? Device.cpu() : Device.gpu(accelerator.index());
    }

    static Inventory detected() {
        int cpus = Runtime.getRuntime().availableProcessors();
        long memory = totalMemory();
        List<Accelerator> gpus = new ArrayList<>();
        int count = CudaUtils.hasCuda() ? CudaUtils.getGpuCount() : 0;
        List<String> names = gpuNames(Path.of(NVIDIA_PROC));
        for (int i = 0; i < count; i++) {
            String type = i < names.size() ? names.get(i) : UNKNOWN_TYPE;
            gpus.add(new Accelerator(
                    i, type, CudaUtils.getGpuMemory(Device.gpu(i)).getMax()));
        }
        if (count > 0 && names.size() < count) {
            Log.warnf(
                    "The GPUs' model names are unknown (%s is not readable): acceleratorType requirements are not"
                            + " checked",
                    NVIDIA_PROC);
        }
        return new Inventory(cpus, memory, gpus, false);
    }

    /** Where the NVIDIA driver describes each GPU, one folder per GPU by PCI address, in the driver's order. */
    static final String NVIDIA_PROC = "/proc/driver/nvidia/gpus";

    /** The type of a GPU whose model name is unknown; {@link Placement} lets it meet any type requirement. */
    public static final String UNKNOWN_TYPE = "";

    /** The model names of the GPUs ("NVIDIA A10G") from the driver's {@code information} files, in PCI order. */
    static List<String> gpuNames(Path proc) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> gpus = Files.list(proc)) {
            for (Path gpu : gpus.sorted().toList()) {
                for (String line : Files.readAllLines(gpu.resolve("information"))) {
                    if (line.startsWith("Model:")) {
                        names.add(line.substring("Model:".length()).trim());
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return names;
    }

    /**
     * Parses a declared inventory: comma-separated {@code gpu:<count>:<memory>:<type>} and
     * {@code cpu:<cores>:<memory>} entries; what {@code cpu} does not declare is detected.
     */
    static Inventory simulated(String spec) {
        int cpus = Runtime.getRuntime().availableProcessors();
        long memory = totalMemory();
        List<Accelerator> gpus = new ArrayList<>();
        for (String entry : spec.split(",")) {
            String[] parts = entry.trim().split(":");
            try {
                if (parts[0].equals("gpu") && parts.length == 4) {
                    int count = Integer.parseInt(parts[1]);
                    long each = Quantity.parse(parts[2]).longValue();
                    for (int i = 0; i < count; i++) {
                        gpus.add(new Accelerator(gpus.size(), parts[3], each));
                    }
                } else if (parts[0].equals("cpu") && parts.length == 3) {
                    cpus = Integer.parseInt(parts[1]);
                    memory = Quantity.parse(parts[2]).longValue();
                } else {
                    throw new IllegalArgumentException("expected gpu:<count>:<memory>:<type> or cpu:<cores>:<memory>");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "runner.devices.simulate: cannot read '" + entry.trim() + "': " + e.getMessage(), e);
            }
        }
        return new Inventory(cpus, memory, gpus, true);
    }

    private static long totalMemory() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean detailed
                ? detailed.getTotalMemorySize()
                : Runtime.getRuntime().maxMemory();
    }
}
