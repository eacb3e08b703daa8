package dev.runneragent.execution;

import java.util.List;

/** One model on one device: runs whole batches of encoded rows. The batcher's workers take turns on its queue. */
interface Worker extends AutoCloseable {

    /** How logs and metrics name the device, e.g. {@code cpu} or {@code gpu0}. */
    String label();

    /**
     * Runs {@code rows} padded with zero rows to {@code bucket} rows of {@code rowShape}, and answers the output row
     * of each input.
     *
     * @throws Exception when the forward pass fails
     */
    float[][] forward(List<EncodedInput> rows, int bucket, long[] rowShape) throws Exception;

    @Override
    void close();
}
