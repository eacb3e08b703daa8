package dev.runneragent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clarifai.grpc.api.status.StatusCode;
import org.junit.jupiter.api.Test;

class StatusCodesTest {

    @Test
    void mapsEachFamilyToAnHonestHttpStatus() {
        assertEquals(200, StatusCodes.httpStatus(StatusCode.SUCCESS));
        assertEquals(200, StatusCodes.httpStatus(StatusCode.MIXED_STATUS));
        assertEquals(400, StatusCodes.httpStatus(StatusCode.CONN_BAD_REQUEST_FORMAT));
        assertEquals(400, StatusCodes.httpStatus(StatusCode.WORKFLOW_INVALID_ARGUMENT));
        assertEquals(400, StatusCodes.httpStatus(StatusCode.RUNNER_INVALID_REQUEST));
        assertEquals(401, StatusCodes.httpStatus(StatusCode.CONN_KEY_NOT_FOUND));
        assertEquals(401, StatusCodes.httpStatus(StatusCode.CONN_KEY_INVALID));
        assertEquals(403, StatusCodes.httpStatus(StatusCode.CONN_INSUFFICIENT_SCOPES));
        assertEquals(403, StatusCodes.httpStatus(StatusCode.MODEL_PERMISSION_DENIED));
        assertEquals(404, StatusCodes.httpStatus(StatusCode.WORKFLOW_DOES_NOT_EXIST));
        assertEquals(404, StatusCodes.httpStatus(StatusCode.MODULE_DOES_NOT_EXIST));
        assertEquals(409, StatusCodes.httpStatus(StatusCode.WORKFLOW_DUPLICATE));
        assertEquals(413, StatusCodes.httpStatus(StatusCode.RPC_MAX_MESSAGE_SIZE_EXCEEDED));
        assertEquals(501, StatusCodes.httpStatus(StatusCode.NOT_IMPLEMENTED));
        assertEquals(500, StatusCodes.httpStatus(StatusCode.INTERNAL_SERVER_ISSUE));
        assertEquals(500, StatusCodes.httpStatus(StatusCode.FAILURE));
    }

    @Test
    void noClientErrorFallsThroughToAServerError() {
        for (StatusCode code : StatusCode.values()) {
            if (code == StatusCode.UNRECOGNIZED) {
                continue;
            }
            String name = code.name();
            int http = StatusCodes.httpStatus(code);
            if (name.endsWith("_INVALID_ARGUMENT") || name.endsWith("_INVALID_REQUEST")) {
                assertEquals(400, http, name);
            } else if (name.endsWith("_DOES_NOT_EXIST")) {
                assertEquals(404, http, name);
            } else if (name.startsWith("CONN_") && !name.equals("CONN_UNCATEGORIZED")) {
                org.junit.jupiter.api.Assertions.assertTrue(http >= 400 && http < 500, name + " answered " + http);
            }
        }
    }

    @Test
    void busyAndRetryAnswersAreServiceUnavailable() {
        assertEquals(503, StatusCodes.httpStatus(StatusCode.TRY_AGAIN));
        assertEquals(503, StatusCodes.httpStatus(StatusCode.MODEL_DEPLOYING));
        assertEquals(503, StatusCodes.httpStatus(StatusCode.RPC_SERVER_UNAVAILABLE));
        assertEquals(429, StatusCodes.httpStatus(StatusCode.CONN_THROTTLED));
    }

    @Test
    void describesCodesInClarifaisWordsOrFromTheirNames() {
        assertEquals("Ok", StatusCodes.description(StatusCode.SUCCESS));
        assertEquals("API key not found", StatusCodes.description(StatusCode.CONN_KEY_NOT_FOUND));
        assertEquals("Workflow does not exist", StatusCodes.description(StatusCode.WORKFLOW_DOES_NOT_EXIST));
    }
}
