package dev.runneragent.execution;

import com.clarifai.grpc.api.ComputeInfo;
import java.math.BigDecimal;
import java.util.List;

/**
 * What a model or a nodepool needs, read from a Clarifai {@link ComputeInfo}: CPUs (10.3's {@code numCpus}, or the
 * later {@code cpuLimit} quantity such as {@code 500m}), CPU memory, and accelerators with their memory and type.
 */
public record Requirements(
        BigDecimal cpus, long cpuMemoryBytes, int accelerators, long acceleratorMemoryBytes, List<String> types) {

    public static final Requirements NONE = new Requirements(BigDecimal.ZERO, 0, 0, 0, List.of());

    public Requirements {
        types = List.copyOf(types);
    }

    /**
     * The requirements of {@code info}. {@code cpuLimit} is the newer API's CPU quantity, which clarifai-grpc 10.3
     * cannot carry in the message; callers that read it from JSON pass it here, and it wins over {@code numCpus}.
     *
     * @throws IllegalArgumentException naming the field whose quantity does not parse
     */
    public static Requirements of(ComputeInfo info, String cpuLimit) {
        BigDecimal cpus = cpuLimit == null || cpuLimit.isBlank()
                ? BigDecimal.valueOf(Integer.toUnsignedLong(info.getNumCpus()))
                : parse("cpuLimit", cpuLimit);
        return new Requirements(
                cpus,
                bytes("cpuMemory", info.getCpuMemory()),
                info.getNumAccelerators(),
                bytes("acceleratorMemory", info.getAcceleratorMemory()),
                info.getAcceleratorTypeList());
    }

    private static long bytes(String field, String text) {
        try {
            return Quantity.bytes(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("computeInfo." + field + ": " + e.getMessage(), e);
        }
    }

    private static BigDecimal parse(String field, String text) {
        try {
            return Quantity.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("computeInfo." + field + ": " + e.getMessage(), e);
        }
    }
}
