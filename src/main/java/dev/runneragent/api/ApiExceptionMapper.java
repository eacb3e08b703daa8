package dev.runneragent.api;

import com.clarifai.grpc.api.status.BaseResponse;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.protobuf.Descriptors.Descriptor;
import dev.runneragent.store.StoreException;
import io.quarkus.logging.Log;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where failures become answers. Each answer has the endpoint's own response type (so a failed
 * {@code ListWorkflows} still carries {@code "workflows": []}), a Clarifai status with {@code details}, and the HTTP
 * status of {@link StatusCodes}. Unexpected failures are logged with their stack trace and answered without one.
 */
public class ApiExceptionMapper {

    @Inject
    ApiRequest request;

    @ServerExceptionMapper
    public Response apiException(ApiException e) {
        if (StatusCodes.httpStatus(e.code()) == 500) {
            Log.errorf("%s failed: %s", rpcName(), e.details());
        } else {
            Log.debugf("%s refused: %s %s", rpcName(), e.code(), e.details());
        }
        return answer(e.code(), e.details());
    }

    @ServerExceptionMapper
    public Response storeException(StoreException e) {
        Log.errorf(e, "%s: the store failed", rpcName());
        return answer(
                StatusCode.INTERNAL_DATABASE_ISSUE,
                "the node's store failed; the request changed nothing (request id " + request.reqId() + ")");
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return answer(StatusCode.CONN_DOES_NOT_EXIST, "no endpoint at this path");
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e) {
        return answer(
                StatusCode.CONN_METHOD_NOT_ALLOWED,
                "this path does not take this HTTP method; allowed: "
                        + e.getResponse().getAllowedMethods());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int http = e.getResponse().getStatus();
        if (http == 413) {
            return answer(StatusCode.RPC_MAX_MESSAGE_SIZE_EXCEEDED, "the request body is larger than the node accepts");
        }
        if (http < 500) {
            // Keep the framework's own 4xx (406, 415, ...): it says more than a generic 400 would.
            Response answer = answer(
                    StatusCode.CONN_INVALID_REQUEST,
                    "the request cannot be handled: HTTP " + http + " "
                            + e.getResponse().getStatusInfo().getReasonPhrase());
            return Response.fromResponse(answer).status(http).build();
        }
        Log.errorf(e, "%s failed", rpcName());
        return answer(StatusCode.INTERNAL_SERVER_ISSUE, "internal error (request id " + request.reqId() + ")");
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        Log.errorf(e, "%s failed unexpectedly", rpcName());
        return answer(
                StatusCode.INTERNAL_SERVER_ISSUE,
                "internal error; the node's log has the details under request id " + request.reqId());
    }

    private Response answer(StatusCode code, String details) {
        Rpc rpc = request.rpc();
        Descriptor type = rpc == null ? BaseResponse.getDescriptor() : Rpcs.responseType(rpc.value());
        return ApiResponses.error(type, code, details, request.reqId(), request.answerType());
    }

    private String rpcName() {
        return request.rpc() == null ? "request" : request.rpc().value();
    }
}
