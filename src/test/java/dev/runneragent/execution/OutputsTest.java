package dev.runneragent.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clarifai.grpc.api.Output;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.api.StatusCodes;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The overall status of a model response. */
class OutputsTest {

    private final Outputs outputs = new Outputs(Clock.systemUTC());

    @Test
    void overallStatusFollowsTheOutputs() {
        assertEquals(
                StatusCode.SUCCESS,
                outputs.response(List.of(ok(), ok())).getStatus().getCode());
        assertEquals(
                StatusCode.MIXED_STATUS,
                outputs.response(List.of(ok(), failed(30101))).getStatus().getCode());
        assertEquals(
                StatusCode.FAILURE,
                outputs.response(List.of(failed(30101), failed(StatusCodes.MODEL_BUSY_PLEASE_RETRY)))
                        .getStatus()
                        .getCode());
    }

    @Test
    void aRequestTheModelWasTooBusyForSaysSoAtTheTopSoClientsRetry() {
        var response = outputs.response(
                List.of(failed(StatusCodes.MODEL_BUSY_PLEASE_RETRY), failed(StatusCodes.MODEL_BUSY_PLEASE_RETRY)));
        assertEquals(StatusCodes.MODEL_BUSY_PLEASE_RETRY, response.getStatus().getCodeValue());
        assertEquals("Model busy, please retry", response.getStatus().getDescription());
        assertEquals(503, StatusCodes.httpStatus(response.getStatus().getCodeValue()));
    }

    private static Output ok() {
        return Output.newBuilder()
                .setStatus(Outputs.status(StatusCode.SUCCESS.getNumber(), ""))
                .build();
    }

    private static Output failed(int code) {
        return Output.newBuilder().setStatus(Outputs.status(code, "why")).build();
    }
}
