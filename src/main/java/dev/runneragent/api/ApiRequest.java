package dev.runneragent.api;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/**
 * What the API layer knows about the request in flight: its id, the RPC it calls, the authenticated caller, and
 * its path and query parameters. Filled by {@link ApiRequestFilter} and the key filter before the resource runs.
 */
@RequestScoped
public class ApiRequest {

    private String reqId;
    private Rpc rpc;
    private Caller caller;
    private Map<String, String> pathParameters = Map.of();
    private Map<String, List<String>> queryParameters = Map.of();
    private boolean protobufBody;
    private boolean protobufAnswer;

    /** The request id; requests that reach no endpoint (no filter ran) get one when first asked. */
    public String reqId() {
        if (reqId == null) {
            reqId = newReqId();
        }
        return reqId;
    }

    static String newReqId() {
        return java.util.UUID.randomUUID().toString().replace("-", "");
    }

    /** The RPC the request calls, or null when no endpoint matched. */
    public Rpc rpc() {
        return rpc;
    }

    public Caller caller() {
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller for " + (rpc == null ? "?" : rpc.value()));
        }
        return caller;
    }

    public ResourceKind kind() {
        return rpc == null ? ResourceKind.GENERIC : rpc.kind();
    }

    public Map<String, String> pathParameters() {
        return pathParameters;
    }

    public Map<String, List<String>> queryParameters() {
        return queryParameters;
    }

    /** Whether the body is protobuf's binary encoding ({@link MessageBodyWriter#PROTOBUF}) rather than JSON. */
    public boolean protobufBody() {
        return protobufBody;
    }

    /** The answer's media type: protobuf's binary encoding when the client prefers it, JSON otherwise. */
    public MediaType answerType() {
        return protobufAnswer ? MessageBodyWriter.PROTOBUF_TYPE : MediaType.APPLICATION_JSON_TYPE;
    }

    void start(String reqId, Rpc rpc, Map<String, String> path, Map<String, List<String>> query) {
        this.reqId = reqId;
        this.rpc = rpc;
        this.pathParameters = path;
        this.queryParameters = query;
    }

    void encodings(boolean protobufBody, boolean protobufAnswer) {
        this.protobufBody = protobufBody;
        this.protobufAnswer = protobufAnswer;
    }

    public void authenticated(Caller caller) {
        this.caller = caller;
    }
}
