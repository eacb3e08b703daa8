package dev.runneragent.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Opens every API request: gives it a request id (echoed in {@code status.reqId} and the {@code X-Request-Id}
 * header, and put in the log MDC as {@code reqId}) and records the RPC and parameters the binder will use.
 */
public class ApiRequestFilter {

    /** The MDC key of the request id. */
    public static final String MDC_REQ_ID = "reqId";

    /** Runs before authentication ({@code Priorities.AUTHENTICATION} is 1000). */
    static final int PRIORITY = 500;

    @Inject
    ApiRequest request;

    @ServerRequestFilter(priority = PRIORITY)
    public void open(ContainerRequestContext context, ResourceInfo resource) {
        String reqId = ApiRequest.newReqId();
        Method method = resource == null ? null : resource.getResourceMethod();
        Rpc rpc = method == null ? null : method.getAnnotation(Rpc.class);
        request.start(
                reqId,
                rpc,
                single(context.getUriInfo().getPathParameters()),
                copy(context.getUriInfo().getQueryParameters()));
        request.encodings(
                MessageBodyWriter.isProtobuf(context.getMediaType()),
                prefersProtobuf(context.getAcceptableMediaTypes()));
        MDC.put(MDC_REQ_ID, reqId + " ");
    }

    @ServerResponseFilter
    public void close(jakarta.ws.rs.container.ContainerResponseContext response) {
        response.getHeaders().putSingle("X-Request-Id", request.reqId());
        MDC.remove(MDC_REQ_ID);
    }

    /**
     * Whether the client asks for protobuf's binary encoding before JSON. The list comes sorted by preference; a
     * wildcard counts as JSON, so that only a client that names the binary encoding first gets it.
     */
    private static boolean prefersProtobuf(List<MediaType> acceptable) {
        for (MediaType type : acceptable) {
            if (MessageBodyWriter.isProtobuf(type)) {
                return true;
            }
            if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return false;
            }
        }
        return false;
    }

    private static Map<String, String> single(MultivaluedMap<String, String> values) {
        Map<String, String> result = new HashMap<>();
        values.forEach((name, list) -> result.put(name, list.get(0)));
        return result;
    }

    private static Map<String, List<String>> copy(MultivaluedMap<String, String> values) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        values.forEach((name, list) -> result.put(name, List.copyOf(list)));
        return result;
    }
}
