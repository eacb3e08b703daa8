package dev.runneragent.runner;

import dev.runneragent.execution.Placement;
import dev.runneragent.execution.Requirements;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;

/**
 * Compute resources in the units the queue compares in SQL: CPUs in thousandths, bytes, a count of accelerators and
 * their types in {@link Placement#normalizeType normalized} form. Both what a runner declares and what an item needs.
 */
public record Resources(long cpuMillis, long cpuMemory, int accelerators, long acceleratorMemory, List<String> types) {

    public static final Resources NONE = new Resources(0, 0, 0, 0, List.of());

    public Resources {
        types = types.stream()
                .map(Placement::normalizeType)
                .filter(t -> !t.isEmpty())
                .distinct()
                .toList();
    }

    public static Resources of(Requirements requirements) {
        BigDecimal millis =
                requirements.cpus().multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.CEILING);
        return new Resources(
                millis.longValueExact(),
                requirements.cpuMemoryBytes(),
                requirements.accelerators(),
                requirements.acceleratorMemoryBytes(),
                requirements.types());
    }

    /**
     * Whether a runner with these resources can take an item that needs {@code need}: every amount fits, and when
     * both name accelerator types, they share one. The queue's SQL applies the same rule.
     */
    public boolean covers(Resources need) {
        return need.cpuMillis <= cpuMillis
                && need.cpuMemory <= cpuMemory
                && need.accelerators <= accelerators
                && (need.accelerators == 0
                        || (need.acceleratorMemory <= acceleratorMemory
                                && (need.types.isEmpty()
                                        || types.isEmpty()
                                        || need.types.stream().anyMatch(types::contains))));
    }

    /** The types as one column: {@code ",nvidiaa10g,nvidial4,"}, or empty for none. */
    String typesColumn() {
        return types.isEmpty() ? "" : "," + String.join(",", types) + ",";
    }

    static List<String> typesOf(String column) {
        if (column == null || column.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(column.split(",")).filter(t -> !t.isEmpty()).toList();
    }
}
