package dev.runneragent.execution;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the node runs its models. Per-model settings in model.json override the batch defaults. */
@ConfigMapping(prefix = "runner.execution")
public interface ExecutionConfig {

    /**
     * The largest image the node decodes, in pixels (width times height, read from the image header before any
     * decoding, so an oversized image costs nothing).
     */
    @WithDefault("50000000")
    long maxImagePixels();

    /** Inputs a model may hold waiting for a worker; past that, inputs are answered MODEL_BUSY_PLEASE_RETRY. */
    @WithDefault("256")
    int queueCapacity();

    /** The batch size of a model whose model.json names none. */
    @WithDefault("8")
    int defaultMaxBatchSize();

    /** How long a batch may wait for more inputs, for a model whose model.json names no delay. */
    @WithDefault("5ms")
    Duration defaultMaxBatchDelay();

    /** How long a model request may take from its call; outputs not ready by then fail RPC_REQUEST_TIMEOUT. */
    @WithDefault("60s")
    Duration timeout();

    /** Forward passes per batch size before a model reports ready (TorchScript optimizes on the first ones). */
    @WithDefault("2")
    int warmupRounds();
}
