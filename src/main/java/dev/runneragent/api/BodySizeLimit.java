package dev.runneragent.api;

import com.clarifai.grpc.api.status.BaseResponse;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Refuses a request whose {@code Content-Length} exceeds {@code runner.api.max-body-size} before reading it, with
 * a Clarifai answer. It runs just before Quarkus's own check (route order -2), which would answer the same refusal
 * with an empty body. A body without a length (chunked) is cut off by Quarkus when it passes the limit, with a bare
 * 413 and no Clarifai body: Clarifai's clients always send a length.
 */
@Singleton
public class BodySizeLimit {

    private static final int BEFORE_QUARKUS_LIMIT = -3;

    @Inject
    ApiConfig config;

    void install(@Observes Router router) {
        long limit = config.maxBodySize().asLongValue();
        router.route().order(BEFORE_QUARKUS_LIMIT).handler(context -> check(context, limit));
    }

    private static void check(RoutingContext context, long limit) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && isOver(length, limit)) {
            Status status = Status.newBuilder()
                    .setCode(StatusCode.RPC_MAX_MESSAGE_SIZE_EXCEEDED)
                    .setDescription(StatusCodes.description(StatusCode.RPC_MAX_MESSAGE_SIZE_EXCEEDED))
                    .setDetails("the request body has " + length + " bytes; this node accepts at most " + limit)
                    .setReqId(ApiRequest.newReqId())
                    .build();
            context.response().putHeader("X-Request-Id", status.getReqId());
            context.response()
                    .setStatusCode(StatusCodes.httpStatus(StatusCode.RPC_MAX_MESSAGE_SIZE_EXCEEDED))
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(ProtoJson.print(BaseResponse.newBuilder().setStatus(status)));
        } else {
            context.next();
        }
    }

    private static boolean isOver(String length, long limit) {
        try {
            return Long.parseLong(length.trim()) > limit;
        } catch (NumberFormatException e) {
            return false; // a malformed length is Vert.x's to refuse
        }
    }
}
