package dev.runneragent.agent;

import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;

/**
 * An upstream answer that is not a success: its HTTP status and its Clarifai status. {@link Retryable} (429, 5xx but
 * 501, no answer at all) is worth another try; {@link Refused} (401, 403, 501 and every other client error) is not:
 * the same request would be refused again.
 */
public abstract sealed class UpstreamException extends RuntimeException {

    private final int httpStatus;
    private final Status status;

    UpstreamException(String rpc, int httpStatus, Status status) {
        super(rpc + " answered HTTP " + httpStatus + " " + status.getCode() + ": "
                + (status.getDetails().isEmpty() ? status.getDescription() : status.getDetails()));
        this.httpStatus = httpStatus;
        this.status = status;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Status status() {
        return status;
    }

    public StatusCode code() {
        return status.getCode();
    }

    /** Whether another try may succeed. */
    static boolean retryable(int httpStatus) {
        return httpStatus == 429 || (httpStatus >= 500 && httpStatus != 501);
    }

    static UpstreamException of(String rpc, int httpStatus, Status status) {
        return retryable(httpStatus) ? new Retryable(rpc, httpStatus, status) : new Refused(rpc, httpStatus, status);
    }

    /** Worth another try: the upstream is busy or failing for now. */
    public static final class Retryable extends UpstreamException {
        Retryable(String rpc, int httpStatus, Status status) {
            super(rpc, httpStatus, status);
        }
    }

    /** Not worth another try: the key, the scopes or the request itself is refused. */
    public static final class Refused extends UpstreamException {
        Refused(String rpc, int httpStatus, Status status) {
            super(rpc, httpStatus, status);
        }

        /** A missing, wrong or expired key, or one without the scopes: the agent must stop pulling. */
        public boolean unauthorized() {
            return httpStatus() == 401 || httpStatus() == 403;
        }
    }
}
