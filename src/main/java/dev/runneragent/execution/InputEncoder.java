package dev.runneragent.execution;

import com.clarifai.grpc.api.Data;

/** Turns one input's {@code data} into the model's tensor row, or rejects it with the input's own status. */
interface InputEncoder extends AutoCloseable {

    EncodedInput encode(Data data) throws RejectedInputException;

    /** The shape of one row, without the batch dimension. */
    long[] rowShape();

    @Override
    default void close() {}
}
