package dev.runneragent.api;

import com.clarifai.grpc.api.status.StatusCode;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one table from Clarifai status codes to HTTP statuses and to the short {@code description} every answer
 * carries. Codes not named here follow their name: {@code *_DOES_NOT_EXIST} is 404, {@code *_INVALID_*} 400, and
 * so on; anything unrecognised is a 500.
 */
public final class StatusCodes {

    private static final Map<StatusCode, Integer> HTTP = new EnumMap<>(StatusCode.class);
    private static final Map<StatusCode, String> DESCRIPTIONS = new EnumMap<>(StatusCode.class);

    static {
        http(
                200,
                StatusCode.ZERO,
                StatusCode.SUCCESS,
                StatusCode.MIXED_STATUS,
                StatusCode.PASSWORD_VALIDATION_SUCCESS,
                StatusCode.RUNNER_NEEDS_RETRY);
        http(307, StatusCode.MOVED);
        http(
                400,
                StatusCode.CONN_BAD_REQUEST_FORMAT,
                StatusCode.BAD_REQUEST,
                StatusCode.PASSWORD_VALIDATION_FAILED,
                StatusCode.WORKFLOW_INVALID_GRAPH,
                StatusCode.WORKFLOW_INVALID_RECIPE,
                StatusCode.WORKFLOW_INVALID_TEMPLATE,
                StatusCode.WORKFLOW_UNSUPPORTED_FORMAT,
                StatusCode.WORKFLOW_NO_MATCHING_INPUT,
                StatusCode.WORKFLOW_REQUIRE_TRAINED_MODEL,
                StatusCode.INPUT_INVALID_URL,
                // An input the client sent or named that cannot be used: a fetch that failed, bytes that are not
                // an image, content over a limit.
                StatusCode.INPUT_CONNECTION_FAILED,
                StatusCode.INPUT_UNSUPPORTED_FORMAT,
                StatusCode.INPUT_OVER_LIMIT);
        http(
                401,
                StatusCode.CONN_KEY_INVALID,
                StatusCode.CONN_KEY_NOT_FOUND,
                StatusCode.CONN_CREDENTIALS_INVALID,
                StatusCode.CONN_TOKEN_INVALID);
        http(
                403,
                StatusCode.CONN_INSUFFICIENT_SCOPES,
                StatusCode.CONN_AUTH_METHOD_DISABLED,
                StatusCode.CONN_ACCOUNT_ISSUES,
                StatusCode.CONN_NO_GDPR_CONSENT);
        http(404, StatusCode.CONN_DOES_NOT_EXIST);
        http(405, StatusCode.CONN_METHOD_NOT_ALLOWED);
        // A runner's report on an item it no longer holds conflicts with the item's state.
        http(409, StatusCode.DATABASE_DUPLICATE_KEY, StatusCode.WORKFLOW_DUPLICATE, StatusCode.RUNNER_ITEM_CANCELLED);
        http(413, StatusCode.RPC_MAX_MESSAGE_SIZE_EXCEEDED);
        http(
                429,
                StatusCode.CONN_THROTTLED,
                StatusCode.CONN_EXCEED_HOURLY_LIMIT,
                StatusCode.CONN_EXCEED_MONTHLY_LIMIT,
                StatusCode.CONN_EXCEEDS_LIMITS);
        http(501, StatusCode.NOT_IMPLEMENTED);
        http(
                503,
                StatusCode.RPC_REQUEST_QUEUE_FULL,
                StatusCode.RPC_SERVER_UNAVAILABLE,
                StatusCode.TRY_AGAIN,
                StatusCode.MODEL_DEPLOYING,
                StatusCode.MODEL_QUEUED_FOR_DEPLOYMENT,
                StatusCode.MODEL_NOT_DEPLOYED);
        http(504, StatusCode.RPC_REQUEST_TIMEOUT);

        DESCRIPTIONS.put(StatusCode.SUCCESS, "Ok");
        DESCRIPTIONS.put(StatusCode.MIXED_STATUS, "Mixed Status");
        DESCRIPTIONS.put(StatusCode.FAILURE, "Failure");
        DESCRIPTIONS.put(StatusCode.CONN_KEY_NOT_FOUND, "API key not found");
        DESCRIPTIONS.put(StatusCode.CONN_KEY_INVALID, "Invalid API key or Invalid API key/application pair");
        DESCRIPTIONS.put(StatusCode.CONN_INSUFFICIENT_SCOPES, "Insufficient scopes");
        DESCRIPTIONS.put(StatusCode.CONN_BAD_REQUEST_FORMAT, "Bad request format");
        DESCRIPTIONS.put(StatusCode.CONN_DOES_NOT_EXIST, "Resource does not exist");
        DESCRIPTIONS.put(StatusCode.CONN_METHOD_NOT_ALLOWED, "Method not allowed");
        DESCRIPTIONS.put(StatusCode.RPC_MAX_MESSAGE_SIZE_EXCEEDED, "Request body too large");
        DESCRIPTIONS.put(StatusCode.INTERNAL_SERVER_ISSUE, "Internal server error");
        DESCRIPTIONS.put(StatusCode.NOT_IMPLEMENTED, "Not implemented");
        DESCRIPTIONS.put(StatusCode.PASSWORD_VALIDATION_SUCCESS, "Password is valid");
        DESCRIPTIONS.put(StatusCode.PASSWORD_VALIDATION_FAILED, "Password does not meet the policy");
    }

    /** MODEL_BUSY_PLEASE_RETRY: newer than clarifai-grpc 10.3's enum, so carried by its number. */
    public static final int MODEL_BUSY_PLEASE_RETRY = 21354;

    private StatusCodes() {}

    /** {@link #httpStatus(StatusCode)} for a code given by number, which may be newer than the 10.3 enum. */
    public static int httpStatus(int code) {
        StatusCode known = StatusCode.forNumber(code);
        if (known != null) {
            return httpStatus(known);
        }
        return code == MODEL_BUSY_PLEASE_RETRY ? 503 : 500;
    }

    /** {@link #description(StatusCode)} for a code given by number. */
    public static String description(int code) {
        StatusCode known = StatusCode.forNumber(code);
        if (known != null) {
            return description(known);
        }
        return code == MODEL_BUSY_PLEASE_RETRY ? "Model busy, please retry" : "Status " + code;
    }

    /** The HTTP status that answers a response whose {@code status.code} is {@code code}. */
    public static int httpStatus(StatusCode code) {
        Integer fixed = HTTP.get(code);
        if (fixed != null) {
            return fixed;
        }
        String name = code.name();
        if (name.endsWith("_DOES_NOT_EXIST")) {
            return 404;
        }
        if (name.endsWith("_PERMISSION_DENIED")) {
            return 403;
        }
        if (name.endsWith("_DUPLICATE")) {
            return 409;
        }
        if (name.endsWith("_INVALID_ARGUMENT") || name.endsWith("_INVALID_REQUEST")) {
            return 400;
        }
        if (name.startsWith("CONN_") && !name.equals("CONN_UNCATEGORIZED")) {
            return 400; // the remaining connection codes are all faults of the request
        }
        return 500;
    }

    /** A short human description of {@code code}: Clarifai's own wording where known, else derived from its name. */
    public static String description(StatusCode code) {
        String known = DESCRIPTIONS.get(code);
        if (known != null) {
            return known;
        }
        String words = code.name().replace('_', ' ').toLowerCase(Locale.ROOT);
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    private static void http(int status, StatusCode... codes) {
        for (StatusCode code : codes) {
            HTTP.put(code, status);
        }
    }
}
