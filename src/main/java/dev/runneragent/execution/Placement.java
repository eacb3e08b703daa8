package dev.runneragent.execution;

import dev.runneragent.execution.Inventory.Accelerator;
import java.util.List;
import java.util.Locale;

/**
 * Checks what is needed against what the node has. A pure function: it answers the devices to use, or the first
 * resource that is missing, by name, with how much is needed and how much there is.
 */
public final class Placement {

    /** The answer of {@link #match}. */
    public sealed interface Result permits Fit, Shortfall {}

    /** The need is met; run on these accelerators (none: on the CPU). */
    public record Fit(List<Accelerator> accelerators) implements Result {
        public Fit {
            accelerators = List.copyOf(accelerators);
        }
    }

    /** The need is not met: {@code resource} is missing. */
    public record Shortfall(String resource, String needed, String available) implements Result {

        /** A sentence for logs and errors, e.g. "needs 2 accelerator(s) NVIDIA-A10G; this node has 0". */
        public String message() {
            return "needs " + needed + " " + resource + "; this node has " + available;
        }
    }

    private Placement() {}

    public static Result match(Requirements need, Inventory node) {
        if (need.cpus().compareTo(java.math.BigDecimal.valueOf(node.cpus())) > 0) {
            return new Shortfall(
                    "CPU(s)", need.cpus().stripTrailingZeros().toPlainString(), String.valueOf(node.cpus()));
        }
        if (need.cpuMemoryBytes() > node.cpuMemoryBytes()) {
            return new Shortfall(
                    "CPU memory", Quantity.bytes(need.cpuMemoryBytes()), Quantity.bytes(node.cpuMemoryBytes()));
        }
        if (need.accelerators() <= 0) {
            return new Fit(List.of());
        }
        List<Accelerator> usable = node.accelerators().stream()
                .filter(a -> a.memoryBytes() >= need.acceleratorMemoryBytes())
                .filter(a -> need.types().isEmpty() || need.types().stream().anyMatch(t -> sameType(t, a.type())))
                .toList();
        if (usable.size() < need.accelerators()) {
            return new Shortfall(
                    "accelerator(s)" + describe(need),
                    String.valueOf(need.accelerators()),
                    usable.size() + describeInventory(node));
        }
        return new Fit(usable.subList(0, need.accelerators()));
    }

    private static String describe(Requirements need) {
        String types = need.types().isEmpty() ? "" : " of type " + String.join(" or ", need.types());
        String memory = need.acceleratorMemoryBytes() > 0
                ? " with " + Quantity.bytes(need.acceleratorMemoryBytes()) + " each"
                : "";
        return types + memory;
    }

    private static String describeInventory(Inventory node) {
        if (node.accelerators().isEmpty()) {
            return " (no accelerators)";
        }
        List<String> all = node.accelerators().stream()
                .map(a -> a.label() + " " + a.type() + " " + Quantity.bytes(a.memoryBytes()))
                .toList();
        return " that fit (it has " + String.join(", ", all) + ")";
    }

    /**
     * Types match ignoring case and separators: "nvidia-a10g", "NVIDIA A10G" and "NVIDIA_A10G" are one type. A GPU
     * whose type is unknown (the driver did not say) meets any type.
     */
    private static boolean sameType(String wanted, String actual) {
        return actual.equals(DeviceInventory.UNKNOWN_TYPE)
                || normalizeType(wanted).equals(normalizeType(actual));
    }

    /** An accelerator type in the one form types are compared in: lower case letters and digits ("nvidiaa10g"). */
    public static String normalizeType(String type) {
        return type.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }
}
