package dev.runneragent.execution;

import ai.djl.Device;
import dev.runneragent.execution.Inventory.Accelerator;
import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.List;

/**
 * One model ready to serve: its encoder, one worker per placed device, its batcher, and its decoder. Loading warms
 * every batch size on every worker, so the first real input meets no compilation.
 */
final class LoadedModel implements AutoCloseable {

    final ModelFolder.Entry entry;
    final InputEncoder encoder;
    final OutputDecoder decoder;
    final Batcher batcher;
    final List<String> devices;

    private LoadedModel(
            ModelFolder.Entry entry,
            InputEncoder encoder,
            OutputDecoder decoder,
            Batcher batcher,
            List<String> devices) {
        this.entry = entry;
        this.encoder = encoder;
        this.decoder = decoder;
        this.batcher = batcher;
        this.devices = devices;
    }

    String id() {
        return entry.model().getId();
    }

    String versionId() {
        return entry.model().getModelVersion().getId();
    }

    /**
     * Loads {@code entry} on {@code accelerators} (none: the CPU) and warms it.
     *
     * @throws Exception naming what failed: a weight file that does not load, an output that does not fit the spec
     */
    static LoadedModel load(
            ModelFolder.Entry entry,
            List<Accelerator> accelerators,
            DeviceInventory inventory,
            ExecutionConfig config,
            ExecutionMetrics metrics)
            throws Exception {
        ModelSpec spec = entry.spec();
        if (!spec.weights().endsWith(".pt")) {
            throw new IllegalArgumentException("metadata.execution.weights must be a TorchScript .pt file");
        }
        long started = System.nanoTime();
        List<Worker> workers = new ArrayList<>();
        InputEncoder encoder = null;
        try {
            encoder = switch (spec.input()) {
                case IMAGE -> new ImageEncoder(spec, config.maxImagePixels());
                case TEXT ->
                    new TextEncoder(entry.dir().resolve(spec.tokenizer()), spec.maxTokens(), spec.addSpecialTokens());
                case EMBEDDINGS -> new EmbeddingEncoder(spec.inputSize());
            };
            if (accelerators.isEmpty()) {
                workers.add(new DjlWorker(entry.dir(), spec.weights(), Device.cpu(), "cpu"));
            }
            for (Accelerator accelerator : accelerators) {
                workers.add(new DjlWorker(
                        entry.dir(), spec.weights(), inventory.djlDevice(accelerator), accelerator.label()));
            }
            long[] rowShape = encoder.rowShape();
            Batcher batcher =
                    new Batcher(entry.model().getId(), spec, rowShape, workers, config.queueCapacity(), metrics);
            int width = batcher.warm(zeroRow(spec, rowShape), config.warmupRounds());
            OutputDecoder decoder = OutputDecoder.of(spec, width);
            if (width != decoder.width()) {
                throw new IllegalStateException("the model gives " + width + " scores per input but model.json names "
                        + decoder.width() + " concepts");
            }
            batcher.start();
            List<String> devices = workers.stream().map(Worker::label).toList();
            Log.infof(
                    "Model %s (version %s) ready on %s: batches of %s, warmed in %d ms",
                    entry.model().getId(),
                    entry.model().getModelVersion().getId(),
                    devices,
                    batcher.buckets(),
                    (System.nanoTime() - started) / 1_000_000);
            return new LoadedModel(entry, encoder, decoder, batcher, devices);
        } catch (Exception | LinkageError e) {
            workers.forEach(Worker::close);
            if (encoder != null) {
                encoder.close();
            }
            if (e instanceof LinkageError) {
                // A native library (libtorch, the tokenizers) that cannot load fails this model, not the node.
                throw new IllegalStateException("a native library cannot be loaded: " + e.getMessage(), e);
            }
            throw (Exception) e;
        }
    }

    private static EncodedInput zeroRow(ModelSpec spec, long[] rowShape) {
        int length = 1;
        for (long dimension : rowShape) {
            length *= (int) dimension;
        }
        return spec.input() == ModelSpec.InputKind.TEXT
                ? EncodedInput.of(new long[length])
                : EncodedInput.of(new float[length]);
    }

    @Override
    public void close() {
        batcher.close();
        encoder.close();
    }
}
