package dev.runneragent.execution;

import java.util.List;

/**
 * What this node has to compute on: its CPU and memory, and its accelerators. A simulated inventory (tests only)
 * declares accelerators that are really the CPU.
 */
public record Inventory(int cpus, long cpuMemoryBytes, List<Accelerator> accelerators, boolean simulated) {

    /** One accelerator: its index among the node's, its type (e.g. NVIDIA-A10G) and its memory. */
    public record Accelerator(int index, String type, long memoryBytes) {

        /** How logs, metrics and health name it, e.g. {@code gpu0}. */
        public String label() {
            return "gpu" + index;
        }
    }

    public Inventory {
        accelerators = List.copyOf(accelerators);
    }

    /** One line for logs and health. */
    public String describe() {
        StringBuilder text = new StringBuilder(cpus + " CPU(s), " + Quantity.bytes(cpuMemoryBytes) + " memory");
        for (Accelerator accelerator : accelerators) {
            text.append(", ")
                    .append(accelerator.label())
                    .append(' ')
                    .append(accelerator.type())
                    .append(' ')
                    .append(Quantity.bytes(accelerator.memoryBytes()));
        }
        return simulated ? text + " (simulated: computing on the CPU)" : text.toString();
    }
}
