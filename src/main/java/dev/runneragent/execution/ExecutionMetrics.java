package dev.runneragent.execution;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.LongStream;

/**
 * The engine's Prometheus metrics. Per model: {@code runner_model_queue_depth}, {@code runner_model_batch_size}
 * (histogram buckets at the model's batch sizes), {@code runner_model_queue_wait_seconds},
 * {@code runner_model_inference_seconds} (also per device) and {@code runner_model_errors_total} (per status
 * code); per device: {@code runner_device_memory_used_bytes}.
 */
@ApplicationScoped
public class ExecutionMetrics {

    private final MeterRegistry registry;

    @Inject
    ExecutionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The meters of one model, registered once and kept by its batcher. */
    final class ModelMeters {
        private final String model;
        private final DistributionSummary batchSize;
        private final Timer queueWait;
        private final Map<String, Timer> inference = new ConcurrentHashMap<>();

        private ModelMeters(String model, List<Integer> buckets, Supplier<Number> depth) {
            this.model = model;
            Gauge.builder("runner.model.queue.depth", depth)
                    .tag("model", model)
                    .description("inputs waiting for a worker")
                    .register(registry);
            this.batchSize = DistributionSummary.builder("runner.model.batch.size")
                    .tag("model", model)
                    .description("inputs per batch run")
                    .serviceLevelObjectives(
                            buckets.stream().mapToDouble(Integer::doubleValue).toArray())
                    .register(registry);
            this.queueWait = Timer.builder("runner.model.queue.wait")
                    .tag("model", model)
                    .description("time from queueing an input to its batch's start")
                    .register(registry);
        }

        void batch(int size, LongStream waitsNanos) {
            batchSize.record(size);
            waitsNanos.forEach(wait -> queueWait.record(wait, TimeUnit.NANOSECONDS));
        }

        void inference(String device, long nanos) {
            inference
                    .computeIfAbsent(
                            device,
                            d -> Timer.builder("runner.model.inference")
                                    .tag("model", model)
                                    .tag("device", d)
                                    .description("forward pass of one batch")
                                    .register(registry))
                    .record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    ModelMeters model(String model, List<Integer> buckets, Supplier<Number> depth) {
        return new ModelMeters(model, buckets, depth);
    }

    /** An input answered with an error, by the model it was for (served models only: ids are bounded). */
    void error(String model, int code) {
        Counter.builder("runner.model.errors")
                .tag("model", model)
                .tag("code", String.valueOf(code))
                .description("inputs answered with an error")
                .register(registry)
                .increment();
    }

    void deviceMemory(String device, Supplier<Number> usedBytes) {
        Gauge.builder("runner.device.memory.used", usedBytes)
                .tag("device", device)
                .baseUnit("bytes")
                .description("memory in use on the device")
                .register(registry);
    }
}
