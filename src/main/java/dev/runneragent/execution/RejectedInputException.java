package dev.runneragent.execution;

import com.clarifai.grpc.api.status.StatusCode;

/**
 * Why one input has no answer (it could not be read, found the model busy, or failed in the forward pass), with the
 * status its output gets; the other inputs of its request are not affected.
 */
public class RejectedInputException extends Exception {

    private final StatusCode code;
    private final int codeNumber;

    public RejectedInputException(StatusCode code, String details) {
        super(details, null, false, false);
        this.code = code;
        this.codeNumber = code.getNumber();
    }

    /** For codes clarifai-grpc 10.3 does not name (MODEL_BUSY_PLEASE_RETRY, 21354). */
    public RejectedInputException(int codeNumber, String details) {
        super(details, null, false, false);
        this.code = StatusCode.forNumber(codeNumber);
        this.codeNumber = codeNumber;
    }

    /** The status code as its number, which also covers codes the 10.3 enum lacks. */
    public int codeNumber() {
        return codeNumber;
    }

    public StatusCode code() {
        return code;
    }
}
