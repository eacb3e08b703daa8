package dev.runneragent.execution;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Engines built outside Quarkus for the execution tests: over the sample models, or over any folder. */
final class TestEngines {

    /** The repository's sample model folder, which the README's run command serves. */
    static final Path SAMPLE_MODELS = Path.of("models");

    private static ExecutionEngine samples;

    private TestEngines() {}

    /** One engine over the sample models, shared by the tests of a run (loading warms every model). */
    static synchronized ExecutionEngine samples() {
        if (samples == null) {
            samples = engine(SAMPLE_MODELS, config(8, Duration.ofMillis(5), 256), "", new SimpleMeterRegistry());
        }
        return samples;
    }

    static ExecutionEngine engine(Path folder, ExecutionConfig config, String simulate, SimpleMeterRegistry metrics) {
        DevicesConfig devices = () -> simulate.isEmpty() ? Optional.empty() : Optional.of(simulate);
        return new ExecutionEngine(
                () -> folder, config, new DeviceInventory(devices), new ExecutionMetrics(metrics), Clock.systemUTC());
    }

    static ExecutionConfig config(int maxBatch, Duration delay, int queueCapacity) {
        return new Config(50_000_000L, queueCapacity, maxBatch, delay, Duration.ofSeconds(30), 1);
    }

    /** An {@link ExecutionConfig} with chosen values. */
    record Config(
            long maxImagePixels,
            int queueCapacity,
            int defaultMaxBatchSize,
            Duration defaultMaxBatchDelay,
            Duration timeout,
            int warmupRounds)
            implements ExecutionConfig {}
}
