package dev.runneragent.execution;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The engine's Prometheus metrics. Per model: {@code runner_model_queue_depth}, {@code runner_model_batch_size},
 * {@code runner_model_queue_wait_seconds}, {@code runner_model_inference_seconds} (also per device) and
 * {@code runner_model_errors_total} (per status code); per device: {@code runner_device_memory_used_bytes}.
 */
@ApplicationScoped
public class ExecutionMetrics {

    private final MeterRegistry registry;

    @Inject
    ExecutionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void queueDepth(String model, Supplier<Number> depth) {
        Gauge.builder("runner.model.queue.depth", depth)
                .tag("model", model)
                .description("inputs waiting for a worker")
                .register(registry);
    }

    void batchSize(String model, int size) {
        DistributionSummary.builder("runner.model.batch.size")
                .tag("model", model)
                .description("inputs per batch run")
                .publishPercentileHistogram()
                .register(registry)
                .record(size);
    }

    void queueWait(String model, long nanos) {
        Timer.builder("runner.model.queue.wait")
                .tag("model", model)
                .description("time from queueing an input to its batch's start")
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    void inference(String model, String device, long nanos) {
        Timer.builder("runner.model.inference")
                .tag("model", model)
                .tag("device", device)
                .description("forward pass of one batch")
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

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
