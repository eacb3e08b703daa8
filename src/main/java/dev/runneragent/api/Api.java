package dev.runneragent.api;

import com.google.protobuf.Message;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;

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

    @Inject
    ApiRequest request;

    public <Q extends Message> Response call(Message.Builder builder, byte[] body, Endpoint<Q> endpoint) {
        return this.<Q>raw(builder, body, (caller, bound, text) -> endpoint.call(caller, bound));
    }

    @SuppressWarnings("unchecked")
    public <Q extends Message> Response raw(Message.Builder builder, byte[] body, RawEndpoint<Q> endpoint) {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        RequestBinder.bind(builder, text, request.queryParameters(), request.pathParameters(), request.kind());
        Message response = endpoint.call(request.caller(), (Q) builder.build(), text);
        return ApiResponses.of(response, request.reqId());
    }
}
