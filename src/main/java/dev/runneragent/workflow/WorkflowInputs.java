package dev.runneragent.workflow;

import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.runneragent.workflow.GraphRun.Prepared;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Makes a request's inputs ready for the models: an id for each (the client's, or a new one), and the content of
 * {@code data.image.url} and {@code data.text.url} fetched (concurrently) when no bytes or raw text came with it.
 * An input that cannot be made ready fails alone, with its own status.
 */
@ApplicationScoped
public class WorkflowInputs {

    private final UrlFetcher fetcher;
    private final FetchBudget budget;

    @Inject
    public WorkflowInputs(Vertx vertx, WorkflowConfig config) {
        this.fetcher = new UrlFetcher(
                vertx,
                new AddressRules(config.allowPrivateUrls(), config.urlDenyList().orElse(List.of())),
                config.maxInputBytes().asLongValue(),
                config.fetchConnectTimeout(),
                config.fetchReadTimeout());
        this.budget = new FetchBudget(config.maxFetchedBytes()
                .map(MemorySize::asLongValue)
                .orElse(Runtime.getRuntime().maxMemory() / 4));
    }

    /** A request's share of the fetched-bytes budget; closing it gives back what its fetches held. */
    FetchBudget.Held hold() {
        return budget.hold();
    }

    /** The inputs, each with an id, ready or failed, in request order; fetched bytes are reserved in {@code held}. */
    CompletableFuture<List<Prepared>> prepare(List<Input> inputs, FetchBudget.Held held) {
        List<CompletableFuture<Prepared>> prepared = new ArrayList<>(inputs.size());
        for (Input input : inputs) {
            Input named = input.getId().isEmpty()
                    ? input.toBuilder().setId(GraphRun.newId()).build()
                    : input;
            prepared.add(prepare(named, held));
        }
        return CompletableFuture.allOf(prepared.toArray(CompletableFuture[]::new))
                .thenApply(
                        done -> prepared.stream().map(CompletableFuture::join).toList());
    }

    private CompletableFuture<Prepared> prepare(Input input, FetchBudget.Held held) {
        Data data = input.getData();
        if (data.hasImage() && data.getImage().getBase64().isEmpty()) {
            if (data.getImage().getUrl().isEmpty()) {
                return failed(input, StatusCode.INPUT_INVALID_REQUEST, "data.image needs base64 bytes or a url");
            }
            return fetch(
                    input,
                    data.getImage().getUrl(),
                    held,
                    bytes -> data.toBuilder()
                            .setImage(data.getImage().toBuilder().setBase64(UnsafeByteOperations.unsafeWrap(bytes)))
                            .build());
        }
        if (data.hasText() && data.getText().getRaw().isEmpty()) {
            if (data.getText().getUrl().isEmpty()) {
                return failed(input, StatusCode.INPUT_INVALID_REQUEST, "data.text needs raw text or a url");
            }
            return fetch(
                    input,
                    data.getText().getUrl(),
                    held,
                    bytes -> data.toBuilder()
                            .setText(data.getText().toBuilder().setRaw(new String(bytes, StandardCharsets.UTF_8)))
                            .build());
        }
        if (!data.hasImage() && !data.hasText() && data.getEmbeddingsCount() == 0) {
            return failed(
                    input,
                    StatusCode.INPUT_INVALID_REQUEST,
                    "the input has no content: send data.image (base64 or url), data.text (raw or url) or"
                            + " data.embeddings");
        }
        return CompletableFuture.completedFuture(Prepared.ready(input));
    }

    private CompletableFuture<Prepared> fetch(
            Input input, String url, FetchBudget.Held held, java.util.function.Function<byte[], Data> with) {
        return fetcher.fetch(url, held).handle((bytes, error) -> {
            if (error == null) {
                return Prepared.ready(
                        input.toBuilder().setData(with.apply(bytes)).build());
            }
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof UrlFetcher.FetchException refused) {
                return Prepared.failed(input, GraphRun.status(refused.code().getNumber(), refused.getMessage()));
            }
            return Prepared.failed(
                    input,
                    GraphRun.status(
                            StatusCode.INPUT_CONNECTION_FAILED.getNumber(), "GET " + url + " failed: " + cause));
        });
    }

    private static CompletableFuture<Prepared> failed(Input input, StatusCode code, String details) {
        return CompletableFuture.completedFuture(Prepared.failed(input, GraphRun.status(code.getNumber(), details)));
    }

    /** The input as a result shows it: as the client sent it (with its id), without the bytes it was sent with. */
    static Input echo(Input input) {
        if (!input.getData().hasImage()
                || input.getData().getImage().getBase64().isEmpty()) {
            return input;
        }
        return input.toBuilder()
                .setData(input.getData().toBuilder()
                        .setImage(input.getData().getImage().toBuilder().setBase64(ByteString.EMPTY)))
                .build();
    }

    @PreDestroy
    void close() {
        fetcher.close();
    }
}
