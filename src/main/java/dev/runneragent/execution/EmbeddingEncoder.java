package dev.runneragent.execution;

import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.Embedding;
import com.clarifai.grpc.api.status.StatusCode;

/**
 * Embeddings: the first of {@code data.embeddings}, a vector of exactly the model's {@code inputSize} numbers, as
 * one float row. In a workflow this is what a node gets from an embedding model before it.
 */
final class EmbeddingEncoder implements InputEncoder {

    private final int size;

    EmbeddingEncoder(int size) {
        this.size = size;
    }

    @Override
    public long[] rowShape() {
        return new long[] {size};
    }

    @Override
    public EncodedInput encode(Data data) throws RejectedInputException {
        if (data.getEmbeddingsCount() == 0) {
            throw new RejectedInputException(
                    StatusCode.INPUT_INVALID_REQUEST,
                    "this model takes an embedding of " + size + " numbers; the input has no data.embeddings"
                            + (data.hasImage() || data.hasText()
                                    ? " (in a workflow, feed it from an embedding node)"
                                    : ""));
        }
        Embedding embedding = data.getEmbeddings(0);
        if (embedding.getVectorCount() != size) {
            throw new RejectedInputException(
                    StatusCode.INPUT_INVALID_ARGUMENT,
                    "this model takes an embedding of " + size + " numbers; data.embeddings[0].vector has "
                            + embedding.getVectorCount());
        }
        float[] row = new float[size];
        for (int i = 0; i < size; i++) {
            float value = embedding.getVector(i);
            if (!Float.isFinite(value)) {
                throw new RejectedInputException(
                        StatusCode.INPUT_INVALID_ARGUMENT,
                        "data.embeddings[0].vector[" + i + "] is not a finite number");
            }
            row[i] = value;
        }
        return EncodedInput.of(row);
    }
}
