package dev.runneragent.api;

import com.clarifai.grpc.api.status.StatusCode;

/**
 * The family of resource an endpoint serves, which fixes the codes of its two most common errors: the resource is
 * missing (404) and an argument is wrong (400). Families without codes of their own in the 10.3 API use the
 * generic {@code CONN_DOES_NOT_EXIST} and {@code BAD_REQUEST}.
 */
public enum ResourceKind {
    WORKFLOW(StatusCode.WORKFLOW_DOES_NOT_EXIST, StatusCode.WORKFLOW_INVALID_ARGUMENT),
    RUNNER(StatusCode.RUNNER_DOES_NOT_EXIST, StatusCode.RUNNER_INVALID_ARGUMENT),
    MODEL(StatusCode.MODEL_DOES_NOT_EXIST, StatusCode.MODEL_INVALID_ARGUMENT),
    MODULE(StatusCode.MODULE_DOES_NOT_EXIST, StatusCode.MODULE_INVALID_ARGUMENT),
    EVALUATION(StatusCode.CONN_DOES_NOT_EXIST, StatusCode.EVALUATION_INVALID_ARGUMENT),
    APP_DUPLICATION(StatusCode.CONN_DOES_NOT_EXIST, StatusCode.APP_DUPLICATION_INVALID_REQUEST),
    PASSWORD(StatusCode.CONN_DOES_NOT_EXIST, StatusCode.PASSWORDPOLICY_INVALID_ARGUMENT),
    /** Keys, scopes, datasets, collaborations: the 10.3 API has no codes of their own. */
    GENERIC(StatusCode.CONN_DOES_NOT_EXIST, StatusCode.BAD_REQUEST);

    private final StatusCode notFound;
    private final StatusCode invalidArgument;

    ResourceKind(StatusCode notFound, StatusCode invalidArgument) {
        this.notFound = notFound;
        this.invalidArgument = invalidArgument;
    }

    public StatusCode notFound() {
        return notFound;
    }

    public StatusCode invalidArgument() {
        return invalidArgument;
    }

    public ApiException.ResourceNotFoundException notFound(String details) {
        return new ApiException.ResourceNotFoundException(notFound, details);
    }

    public ApiException.InvalidArgumentException invalid(String details) {
        return new ApiException.InvalidArgumentException(invalidArgument, details);
    }
}
