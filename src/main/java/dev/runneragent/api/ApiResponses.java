package dev.runneragent.api;

import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Turns response messages into HTTP answers: every answer carries {@code status} with {@code code},
 * {@code description}, {@code details} and {@code reqId}, and its HTTP status follows {@link StatusCodes}.
 */
public final class ApiResponses {

    private ApiResponses() {}

    /** The HTTP answer for a response message, as {@code type} (JSON, or protobuf's binary encoding). */
    public static Response of(Message message, String reqId, MediaType type) {
        FieldDescriptor statusField = statusField(message.getDescriptorForType());
        Status given = (Status) message.getField(statusField);
        StatusCode code = given.getCode() == StatusCode.ZERO ? StatusCode.SUCCESS : given.getCode();
        Status status = given.toBuilder()
                .setCode(code)
                .setDescription(
                        given.getDescription().isEmpty() ? StatusCodes.description(code) : given.getDescription())
                .setReqId(reqId == null ? "" : reqId)
                .build();
        Message body = message.toBuilder().setField(statusField, status).build();
        return Response.status(StatusCodes.httpStatus(code))
                .type(type)
                .entity(body)
                .build();
    }

    /**
     * An error answer shaped as {@code responseType} (lists present and empty), e.g. a MultiWorkflowResponse, as
     * {@code type}.
     */
    public static Response error(
            Descriptor responseType, StatusCode code, String details, String reqId, MediaType type) {
        Status status = Status.newBuilder()
                .setCode(code)
                .setDescription(StatusCodes.description(code))
                .setDetails(details == null ? "" : details)
                .build();
        Message body = DynamicMessage.newBuilder(responseType)
                .setField(statusField(responseType), status)
                .build();
        return of(body, reqId, type);
    }

    /** Every Clarifai response message has a {@code status} field of type {@link Status}. */
    private static FieldDescriptor statusField(Descriptor type) {
        FieldDescriptor field = type.findFieldByName("status");
        if (field == null
                || !field.getMessageType()
                        .getFullName()
                        .equals(Status.getDescriptor().getFullName())) {
            throw new IllegalArgumentException(type.getFullName() + " is not a Clarifai response");
        }
        return field;
    }
}
