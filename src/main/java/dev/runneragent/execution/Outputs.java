package dev.runneragent.execution;

import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.ModelVersion;
import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.Output;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.runneragent.api.StatusCodes;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builds the engine's answers: one Output per input, and the response with its overall status. */
final class Outputs {

    private final Clock clock;

    Outputs(Clock clock) {
        this.clock = clock;
    }

    Output success(LoadedModel model, Input input, Data data) {
        return of(model, input)
                .setStatus(status(StatusCode.SUCCESS.getNumber(), ""))
                .setData(data)
                .build();
    }

    Output failure(LoadedModel model, Input input, int code, String details) {
        return of(model, input).setStatus(status(code, details)).build();
    }

    /** Every input refused for one reason; the model id is the client's, so it is not counted in the metrics. */
    MultiOutputResponse refusal(PostModelOutputsRequest request, StatusCode code, String details) {
        MultiOutputResponse.Builder response =
                MultiOutputResponse.newBuilder().setStatus(status(StatusCode.FAILURE.getNumber(), details));
        for (Input input : request.getInputsList()) {
            response.addOutputs(of(null, input).setStatus(status(code.getNumber(), details)));
        }
        return response.build();
    }

    /**
     * SUCCESS when every output succeeded, MIXED_STATUS when some did. When none did, FAILURE; or, when every
     * output was refused because the model was busy, MODEL_BUSY_PLEASE_RETRY, so that clients that retry on the
     * top-level code do.
     */
    MultiOutputResponse response(List<Output> outputs) {
        long succeeded = outputs.stream()
                .filter(o -> o.getStatus().getCode() == StatusCode.SUCCESS)
                .count();
        Status overall;
        if (succeeded == outputs.size()) {
            overall = status(StatusCode.SUCCESS.getNumber(), "");
        } else if (succeeded > 0) {
            overall = status(
                    StatusCode.MIXED_STATUS.getNumber(),
                    (outputs.size() - succeeded) + " of " + outputs.size() + " inputs failed");
        } else if (outputs.stream()
                .allMatch(o -> o.getStatus().getCodeValue() == StatusCodes.MODEL_BUSY_PLEASE_RETRY)) {
            overall = status(
                    StatusCodes.MODEL_BUSY_PLEASE_RETRY,
                    outputs.get(0).getStatus().getDetails());
        } else {
            overall = status(StatusCode.FAILURE.getNumber(), "every input failed; each output's status says why");
        }
        return MultiOutputResponse.newBuilder()
                .setStatus(overall)
                .addAllOutputs(outputs)
                .build();
    }

    static Status status(int code, String details) {
        return Status.newBuilder()
                .setCodeValue(code)
                .setDescription(StatusCodes.description(code))
                .setDetails(details)
                .build();
    }

    private Output.Builder of(LoadedModel model, Input input) {
        Instant now = clock.instant();
        Output.Builder output = Output.newBuilder()
                .setId(UUID.randomUUID().toString().replace("-", ""))
                .setCreatedAt(
                        Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setInput(echo(input));
        if (model != null) {
            output.setModel(Model.newBuilder()
                    .setId(model.id())
                    .setModelVersion(ModelVersion.newBuilder().setId(model.versionId())));
        }
        return output;
    }

    /** The input as its output echoes it: its id and data, without the bytes it was sent with. */
    private static Input echo(Input input) {
        if (!input.getData().hasImage()) {
            return input;
        }
        return input.toBuilder()
                .setData(input.getData().toBuilder()
                        .setImage(input.getData().getImage().toBuilder().setBase64(ByteString.EMPTY)))
                .build();
    }
}
