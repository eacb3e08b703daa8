package dev.runneragent.api;

import com.clarifai.grpc.api.status.StatusCode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.runneragent.store.StoreException;
import io.quarkus.logging.Log;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * What every resource method does: bind the request message from body, query and path, call one service method
 * with the caller, and answer with the response message. Errors thrown on the way reach {@link ApiExceptionMapper}.
 */
@ApplicationScoped
public class Api {

    /** A service method: the caller and the bound request in, the response message out. */
    @FunctionalInterface
    public interface Endpoint<Q extends Message> {
        Message call(Caller caller, Q request);
    }

    /** A service method that also needs the raw JSON body (patch semantics tell {@code []} from absent). */
    @FunctionalInterface
    public interface RawEndpoint<Q extends Message> {
        Message call(Caller caller, Q request, String body);
    }

    /** A service method whose answer comes later (a long poll, a prediction on a runner). */
    @FunctionalInterface
    public interface AsyncEndpoint<Q extends Message> {
        CompletionStage<? extends Message> call(Caller caller, Q request);
    }

    @Inject
    ApiRequest request;

    /**
     * Cancels {@code answer} when the client of {@code http} disconnects before it is answered (at once if it is gone
     * already), so that the work behind it (a runner item, a workflow's nodes) is cancelled too.
     */
    public static <T> CompletableFuture<T> cancelledByHangUp(CompletableFuture<T> answer, RoutingContext http) {
        http.addEndHandler(ended -> answer.cancel(false)); // a no-op once answered
        if (http.response().closed()) {
            answer.cancel(false);
        }
        return answer;
    }

    public <Q extends Message> Response call(Message.Builder builder, byte[] body, Endpoint<Q> endpoint) {
        Q bound = bind(builder, body);
        return ApiResponses.of(endpoint.call(request.caller(), bound), request.reqId(), request.answerType());
    }

    /** Like {@link #call}; the endpoint also gets the JSON text of the body, so it takes no protobuf body. */
    public <Q extends Message> Response raw(Message.Builder builder, byte[] body, RawEndpoint<Q> endpoint) {
        if (request.protobufBody()) {
            throw new ApiException.MalformedRequestException(request.rpc().value()
                    + " takes its body as JSON only: it tells fields that are absent from fields that are empty");
        }
        Q bound = bind(builder, body);
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        return ApiResponses.of(endpoint.call(request.caller(), bound, text), request.reqId(), request.answerType());
    }

    /**
     * Binds and calls like {@link #call}, but the answer comes when the endpoint's stage completes. Failures of the
     * stage are answered here, in the endpoint's response shape, since the request's scope may be gone by then.
     */
    public <Q extends Message> CompletionStage<Response> async(
            Message.Builder builder, byte[] body, AsyncEndpoint<Q> endpoint) {
        Q bound = bind(builder, body);
        String reqId = request.reqId();
        String rpc = request.rpc().value();
        MediaType answerType = request.answerType();
        return endpoint.call(request.caller(), bound).handle((response, error) -> {
            if (error == null) {
                return ApiResponses.of(response, reqId, answerType);
            }
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof ApiException refused) {
                return ApiResponses.error(Rpcs.responseType(rpc), refused.code(), refused.details(), reqId, answerType);
            }
            if (cause instanceof CancellationException) { // the client hung up; nobody reads this answer
                Log.debugf("%s: the client went away before the answer", rpc);
                return ApiResponses.error(
                        Rpcs.responseType(rpc), StatusCode.RPC_CANCELED, "the client went away", reqId, answerType);
            }
            Log.errorf(cause, "%s failed", rpc);
            return ApiResponses.error(
                    Rpcs.responseType(rpc),
                    cause instanceof StoreException
                            ? StatusCode.INTERNAL_DATABASE_ISSUE
                            : StatusCode.INTERNAL_SERVER_ISSUE,
                    "internal error; the node's log has the details under request id " + reqId,
                    reqId,
                    answerType);
        });
    }

    /**
     * The request message: the body (JSON, or protobuf's binary encoding when its Content-Type says so), then the
     * query and path parameters, as {@link RequestBinder} does.
     */
    @SuppressWarnings("unchecked")
    private <Q extends Message> Q bind(Message.Builder builder, byte[] body) {
        String text = "";
        if (request.protobufBody()) {
            try {
                builder.mergeFrom(body == null ? new byte[0] : body);
            } catch (InvalidProtocolBufferException e) {
                throw new ApiException.MalformedRequestException("request body is not a valid "
                        + MessageBodyWriter.PROTOBUF + " "
                        + builder.getDescriptorForType().getName() + ": "
                        + e.getMessage());
            }
        } else if (body != null) {
            text = new String(body, StandardCharsets.UTF_8);
        }
        RequestBinder.bind(builder, text, request.queryParameters(), request.pathParameters(), request.kind());
        return (Q) builder.build();
    }
}
