package dev.runneragent.api;

import com.clarifai.grpc.api.status.StatusCode;

/**
 * A request that cannot be answered with success. It carries the Clarifai {@link StatusCode} and the user-facing
 * {@code details}; {@link ApiExceptionMapper} turns it into the endpoint's own response type with the HTTP status of
 * {@link StatusCodes}. Subclasses name what went wrong.
 */
public class ApiException extends RuntimeException {

    private final StatusCode code;

    public ApiException(StatusCode code, String details) {
        super(details);
        this.code = code;
    }

    public StatusCode code() {
        return code;
    }

    public String details() {
        return getMessage();
    }

    /** The resource does not exist, or belongs to someone else (the two are never told apart). */
    public static class ResourceNotFoundException extends ApiException {
        public ResourceNotFoundException(StatusCode code, String details) {
            super(code, details);
        }
    }

    /** A field or parameter has a value the endpoint cannot take. */
    public static class InvalidArgumentException extends ApiException {
        public InvalidArgumentException(StatusCode code, String details) {
            super(code, details);
        }
    }

    /** A resource with the same id exists already. */
    public static class DuplicateResourceException extends ApiException {
        public DuplicateResourceException(StatusCode code, String details) {
            super(code, details);
        }
    }

    /** The body is not JSON. */
    public static class MalformedRequestException extends ApiException {
        public MalformedRequestException(String details) {
            super(StatusCode.CONN_BAD_REQUEST_FORMAT, details);
        }
    }

    /** No key, an unknown key, or an expired one. */
    public static class AuthenticationException extends ApiException {
        public AuthenticationException(StatusCode code, String details) {
            super(code, details);
        }
    }

    /** The key is valid but may not call this endpoint or touch this app. */
    public static class InsufficientScopesException extends ApiException {
        public InsufficientScopesException(String details) {
            super(StatusCode.CONN_INSUFFICIENT_SCOPES, details);
        }
    }

    /** The endpoint exists in the API but this node does not serve it (yet). */
    public static class NotImplementedException extends ApiException {
        public NotImplementedException(String details) {
            super(StatusCode.NOT_IMPLEMENTED, details);
        }
    }
}
