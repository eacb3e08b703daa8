package dev.runneragent.agent;

import com.clarifai.grpc.api.DeleteRunnersRequest;
import com.clarifai.grpc.api.MultiRunnerItemOutputResponse;
import com.clarifai.grpc.api.MultiRunnerItemResponse;
import com.clarifai.grpc.api.MultiRunnerResponse;
import com.clarifai.grpc.api.PostRunnerItemOutputsRequest;
import com.clarifai.grpc.api.PostRunnersRequest;
import com.clarifai.grpc.api.SingleRunnerResponse;
import com.clarifai.grpc.api.status.BaseResponse;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.runneragent.api.MessageBodyWriter;
import dev.runneragent.api.ProtoJson;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The upstream hub as the agent calls it: Clarifai's messages in and out, the user and key of
 * {@code runner.agent.*}, and every call guarded. A call is retried with exponential backoff and jitter when the
 * upstream could not be reached, timed out, or answered 429 or a 5xx other than 501; it is not retried when the
 * upstream refused it (401, 403, 501, other 4xx: {@link UpstreamException.Refused}). A circuit breaker per call stops
 * calling an upstream that keeps failing, for a while. {@code ListRunnerItems} may take a whole long poll, so its
 * timeout is longer than the hub's. Every value can be changed in the configuration with MicroProfile Fault
 * Tolerance's names, e.g. {@code dev.runneragent.agent.Upstream/listRunnerItems/Timeout/value=40000}.
 *
 * <p>A 2xx answer is returned as it is, whatever its Clarifai status ({@code RUNNER_NEEDS_RETRY} after an empty long
 * poll, a {@code MIXED_STATUS}); the caller judges it.
 */
@ApplicationScoped
public class Upstream {

    private static final String PROTOBUF_FIRST =
            MessageBodyWriter.PROTOBUF + ", " + MediaType.APPLICATION_JSON + ";q=0.5";

    private final UpstreamApi api;
    private final AgentConfig config;

    /** Whether the upstream's last answer was in protobuf's binary encoding: results and reports then go in it. */
    private volatile boolean upstreamSpeaksProtobuf;

    @Inject
    public Upstream(@RestClient UpstreamApi api, AgentConfig config) {
        this.api = api;
        this.config = config;
    }

    @Timeout(10_000)
    @Retry(
            maxRetries = 4,
            delay = 200,
            jitter = 100,
            maxDuration = 60_000,
            retryOn = {UpstreamException.Retryable.class, ProcessingException.class, TimeoutException.class},
            abortOn = UpstreamException.Refused.class)
    @ExponentialBackoff(maxDelay = 10_000)
    @CircuitBreaker(
            requestVolumeThreshold = 8,
            failureRatio = 0.75,
            delay = 5_000,
            skipOn = UpstreamException.Refused.class)
    public MultiRunnerResponse postRunners(PostRunnersRequest request) {
        return read(
                api.postRunners(authorization(), userId(), ProtoJson.print(request)), MultiRunnerResponse.newBuilder());
    }

    @Timeout(10_000)
    @Retry(
            maxRetries = 4,
            delay = 200,
            jitter = 100,
            maxDuration = 60_000,
            retryOn = {UpstreamException.Retryable.class, ProcessingException.class, TimeoutException.class},
            abortOn = UpstreamException.Refused.class)
    @ExponentialBackoff(maxDelay = 10_000)
    @CircuitBreaker(
            requestVolumeThreshold = 8,
            failureRatio = 0.75,
            delay = 5_000,
            skipOn = UpstreamException.Refused.class)
    public SingleRunnerResponse getRunner(String runnerId) {
        return read(api.getRunner(authorization(), userId(), runnerId), SingleRunnerResponse.newBuilder());
    }

    /** A long poll: it may take the hub's whole long poll (20 s by default) before it answers. */
    @Timeout(30_000)
    @Retry(
            maxRetries = 4,
            delay = 500,
            jitter = 250,
            maxDuration = 120_000,
            retryOn = {UpstreamException.Retryable.class, ProcessingException.class, TimeoutException.class},
            abortOn = UpstreamException.Refused.class)
    @ExponentialBackoff(maxDelay = 15_000)
    @CircuitBreaker(
            requestVolumeThreshold = 8,
            failureRatio = 0.75,
            delay = 5_000,
            skipOn = UpstreamException.Refused.class)
    public MultiRunnerItemResponse listRunnerItems(String runnerId) {
        return read(
                api.listRunnerItems(authorization(), accept(), userId(), runnerId),
                MultiRunnerItemResponse.newBuilder());
    }

    @Timeout(10_000)
    @Retry(
            maxRetries = 6,
            delay = 200,
            jitter = 100,
            maxDuration = 120_000,
            retryOn = {UpstreamException.Retryable.class, ProcessingException.class, TimeoutException.class},
            abortOn = UpstreamException.Refused.class)
    @ExponentialBackoff(maxDelay = 15_000)
    @CircuitBreaker(
            requestVolumeThreshold = 8,
            failureRatio = 0.75,
            delay = 5_000,
            skipOn = UpstreamException.Refused.class)
    public MultiRunnerItemOutputResponse postRunnerItemOutputs(
            String runnerId, String runnerItemId, PostRunnerItemOutputsRequest request) {
        return post(runnerId, runnerItemId, request);
    }

    /**
     * A status without outputs on an item this runner holds: progress (SUCCESS) renews its lease, RUNNER_NEEDS_RETRY
     * hands it back. Not retried here: the caller reports again on its own schedule, so a slow upstream never holds
     * up the other items' renewals for long.
     */
    @Timeout(5_000)
    public MultiRunnerItemOutputResponse report(String runnerId, String runnerItemId, Status status) {
        return post(
                runnerId,
                runnerItemId,
                PostRunnerItemOutputsRequest.newBuilder().setStatus(status).build());
    }

    /**
     * A result or a status, in protobuf's binary encoding while the upstream's last answer was in it, else as JSON.
     * A binary body the upstream cannot read (415, or 400 {@code CONN_BAD_REQUEST_FORMAT}: it stopped speaking
     * protobuf, another version behind the same URL) is sent again as JSON at once.
     */
    private MultiRunnerItemOutputResponse post(
            String runnerId, String runnerItemId, PostRunnerItemOutputsRequest request) {
        if (upstreamSpeaksProtobuf) {
            try {
                return post(runnerId, runnerItemId, MessageBodyWriter.PROTOBUF, request.toByteArray());
            } catch (UpstreamException.Refused e) {
                boolean unreadable = e.httpStatus() == 415
                        || (e.httpStatus() == 400 && e.code() == StatusCode.CONN_BAD_REQUEST_FORMAT);
                if (!unreadable) {
                    throw e; // the request itself is refused; it would be in JSON too
                }
                upstreamSpeaksProtobuf = false;
            }
        }
        return post(
                runnerId,
                runnerItemId,
                MediaType.APPLICATION_JSON,
                ProtoJson.print(request).getBytes(StandardCharsets.UTF_8));
    }

    private MultiRunnerItemOutputResponse post(String runnerId, String runnerItemId, String type, byte[] body) {
        return read(
                api.postRunnerItemOutputs(authorization(), accept(), type, userId(), runnerId, runnerItemId, body),
                MultiRunnerItemOutputResponse.newBuilder());
    }

    @Timeout(10_000)
    @Retry(
            maxRetries = 2,
            delay = 200,
            jitter = 100,
            retryOn = {UpstreamException.Retryable.class, ProcessingException.class, TimeoutException.class},
            abortOn = UpstreamException.Refused.class)
    @ExponentialBackoff(maxDelay = 5_000)
    public BaseResponse deleteRunners(List<String> runnerIds) {
        String body = ProtoJson.print(
                DeleteRunnersRequest.newBuilder().addAllIds(runnerIds).build());
        return read(api.deleteRunners(authorization(), userId(), body), BaseResponse.newBuilder());
    }

    /** The encoding of the upstream's last answer on the runner-item calls, which results follow. */
    public String encoding() {
        return upstreamSpeaksProtobuf ? MessageBodyWriter.PROTOBUF : MediaType.APPLICATION_JSON;
    }

    private String authorization() {
        return "Key " + config.key().orElse("");
    }

    private String userId() {
        return config.userId().orElse("me");
    }

    /**
     * The Accept header of the runner-item calls: protobuf's binary encoding first unless
     * {@code runner.agent.protobuf} is off. A hub of this project answers in it; others (Clarifai's API) answer JSON.
     */
    private String accept() {
        return config.protobuf() ? PROTOBUF_FIRST : MediaType.APPLICATION_JSON;
    }

    @SuppressWarnings("unchecked")
    private static <M extends Message> M read(String json, Message.Builder builder) {
        ProtoJson.merge(json, builder);
        return (M) builder.build();
    }

    /** An answer in whichever encoding its Content-Type names, which results and reports then follow. */
    @SuppressWarnings("unchecked")
    private <M extends Message> M read(RestResponse<byte[]> answer, Message.Builder builder) {
        byte[] body = answer.hasEntity() ? answer.getEntity() : new byte[0];
        upstreamSpeaksProtobuf = MessageBodyWriter.isProtobuf(answer.getMediaType());
        if (upstreamSpeaksProtobuf) {
            try {
                builder.mergeFrom(body);
            } catch (InvalidProtocolBufferException e) {
                throw new UpstreamException.Retryable(
                        "read " + builder.getDescriptorForType().getName(),
                        answer.getStatus(),
                        notClarifai("the upstream's " + MessageBodyWriter.PROTOBUF + " answer does not parse: "
                                + e.getMessage()));
            }
            return (M) builder.build();
        }
        return read(new String(body, StandardCharsets.UTF_8), builder);
    }

    /**
     * The Clarifai status an answer's body carries, in the encoding {@code type} names; a body that is not a Clarifai
     * answer is quoted in the details.
     */
    static Status statusOf(byte[] body, MediaType type) {
        if (MessageBodyWriter.isProtobuf(type)) {
            try {
                BaseResponse response = BaseResponse.parseFrom(body);
                if (response.hasStatus()) {
                    return response.getStatus();
                }
            } catch (InvalidProtocolBufferException notClarifai) {
                // quoted below
            }
        }
        return statusOf(new String(body, StandardCharsets.UTF_8));
    }

    /** The Clarifai status a JSON answer carries; a body that is not a Clarifai answer is quoted in the details. */
    static Status statusOf(String body) {
        try {
            BaseResponse.Builder response = BaseResponse.newBuilder();
            ProtoJson.merge(body, response);
            if (response.hasStatus()) {
                return response.getStatus();
            }
        } catch (RuntimeException notClarifai) {
            // a proxy's error page, an empty body: quoted below
        }
        String quoted = body.length() > 200 ? body.substring(0, 200) + "..." : body;
        return notClarifai(quoted.isBlank() ? "no body" : quoted);
    }

    private static Status notClarifai(String details) {
        return Status.newBuilder()
                .setCode(StatusCode.FAILURE)
                .setDescription("Not a Clarifai answer")
                .setDetails(details)
                .build();
    }
}
