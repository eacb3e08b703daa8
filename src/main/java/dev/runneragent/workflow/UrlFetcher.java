package dev.runneragent.workflow;

import com.clarifai.grpc.api.status.StatusCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetches input URLs: {@code http} and {@code https} only, at most a size limit, within a connect and a read
 * timeout. The host is resolved here and every address it resolves to is checked against the {@link AddressRules}
 * before the node connects to the address it checked (so a name cannot resolve to a public address for the check
 * and a private one for the connection); redirects are followed, at most five, each checked the same way. A fetch,
 * redirects included, finishes within the connect and read timeouts together, or fails and frees its connection.
 * A failure completes the future with a {@link FetchException} that carries the input's status.
 */
final class UrlFetcher implements AutoCloseable {

    /** Why a URL could not be fetched, as the input's status. */
    static final class FetchException extends RuntimeException {

        private final StatusCode code;

        FetchException(StatusCode code, String details) {
            super(details, null, false, false);
            this.code = code;
        }

        StatusCode code() {
            return code;
        }
    }

    private static final int MAX_REDIRECTS = 5;

    private final Vertx vertx;
    private final HttpClient client;
    private final AddressRules rules;
    private final long maxBytes;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    UrlFetcher(Vertx vertx, AddressRules rules, long maxBytes, Duration connectTimeout, Duration readTimeout) {
        this.vertx = vertx;
        this.rules = rules;
        this.maxBytes = maxBytes;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setMaxPoolSize(64)
                .setVerifyHost(true)
                .setTryUseCompression(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis())));
    }

    /** The bytes at {@code url}, each chunk reserved in {@code held} as it arrives. */
    CompletableFuture<byte[]> fetch(String url, FetchBudget.Held held) {
        Fetch fetch = new Fetch(url, held);
        long deadline = connectTimeout.plus(readTimeout).toMillis();
        long timer = vertx.setTimer(
                deadline,
                id -> fetch.result.completeExceptionally(new FetchException(
                        StatusCode.INPUT_CONNECTION_FAILED,
                        "GET " + url + " did not finish within " + deadline + " ms (runner.workflow"
                                + ".fetch-connect-timeout + fetch-read-timeout, redirects included)")));
        fetch.result.whenComplete((bytes, error) -> {
            vertx.cancelTimer(timer);
            HttpClientRequest current = fetch.current.get();
            if (error != null && current != null) {
                current.reset(); // a fetch that failed (its deadline, its size) frees its connection
            }
        });
        follow(fetch, url, 0);
        return fetch.result;
    }

    /** One fetch: the URL asked for, its result, and the request of its current hop (redirects make more). */
    private static final class Fetch {
        final String original;
        final CompletableFuture<byte[]> result = new CompletableFuture<>();
        final AtomicReference<HttpClientRequest> current = new AtomicReference<>();
        final FetchBudget.Held held;

        Fetch(String original, FetchBudget.Held held) {
            this.original = original;
            this.held = held;
        }

        /** Runs a step of the fetch; anything it throws fails the fetch instead of vanishing in Vert.x's log. */
        void step(String url, Runnable step) {
            if (result.isDone()) {
                return;
            }
            try {
                step.run();
            } catch (RuntimeException e) {
                result.completeExceptionally(connectionFailed(url, e));
            }
        }
    }

    private void follow(Fetch fetch, String url, int redirects) {
        fetch.step(url, () -> {
            URI uri = check(url);
            String host = uri.getHost();
            boolean https = uri.getScheme().equalsIgnoreCase("https");
            int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
            // Name resolution blocks; it runs on a worker thread of Vert.x, never on an event loop.
            vertx.<InetAddress>executeBlocking(() -> resolve(url, host), false)
                    .onFailure(fetch.result::completeExceptionally)
                    .onSuccess(address -> fetch.step(url, () -> connect(fetch, url, uri, address, port, redirects)));
        });
    }

    private void connect(Fetch fetch, String url, URI uri, InetAddress address, int port, int redirects) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
                .setHost(uri.getHost())
                .setPort(port)
                .setSsl(uri.getScheme().equalsIgnoreCase("https"))
                .setURI(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery())
                .setConnectTimeout(connectTimeout.toMillis())
                .setFollowRedirects(false)
                .putHeader("Accept", "*/*")
                .putHeader("User-Agent", "runner-agent");
        client.request(options)
                .onFailure(e -> fetch.result.completeExceptionally(connectionFailed(url, e)))
                .onSuccess(request -> {
                    fetch.current.set(request);
                    if (fetch.result.isDone()) { // the deadline passed while this hop connected
                        request.reset();
                        return;
                    }
                    request.send()
                            .onFailure(e -> fetch.result.completeExceptionally(connectionFailed(url, e)))
                            .onSuccess(response -> fetch.step(url, () -> answer(fetch, url, uri, redirects, response)));
                });
    }

    private void answer(Fetch fetch, String url, URI uri, int redirects, HttpClientResponse response) {
        // Errors after a reset below (or after the answer) are expected; others fail the fetch.
        response.exceptionHandler(e -> fetch.result.completeExceptionally(connectionFailed(url, e)));
        int status = response.statusCode();
        if (status >= 300 && status < 400 && response.getHeader("Location") != null) {
            discard(response);
            redirect(fetch, uri, response.getHeader("Location"), redirects);
            return;
        }
        if (status != 200) {
            discard(response);
            fetch.result.completeExceptionally(
                    new FetchException(StatusCode.INPUT_CONNECTION_FAILED, "GET " + url + " answered HTTP " + status));
            return;
        }
        read(fetch, url, response);
    }

    /** Drops the connection of an answer whose body is not wanted; the reset it causes is no error. */
    private static void discard(HttpClientResponse response) {
        try {
            response.exceptionHandler(expected -> {});
        } catch (IllegalStateException ended) {
            return; // the whole answer is in: nothing left to drop
        }
        response.request().reset();
    }

    private void redirect(Fetch fetch, URI from, String location, int redirects) {
        if (redirects >= MAX_REDIRECTS) {
            fetch.result.completeExceptionally(new FetchException(
                    StatusCode.INPUT_CONNECTION_FAILED,
                    "GET " + fetch.original + " redirected more than " + MAX_REDIRECTS + " times"));
            return;
        }
        String next;
        try {
            next = from.resolve(location).toString();
        } catch (IllegalArgumentException e) {
            fetch.result.completeExceptionally(new FetchException(
                    StatusCode.INPUT_INVALID_URL,
                    "GET " + fetch.original + " redirected to a malformed location: " + location));
            return;
        }
        follow(fetch, next, redirects + 1);
    }

    private void read(Fetch fetch, String url, HttpClientResponse response) {
        CompletableFuture<byte[]> result = fetch.result;
        String length = response.getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > maxBytes) {
            discard(response);
            result.completeExceptionally(tooLarge(url));
            return;
        }
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (result.isDone()) {
                return;
            }
            if ((long) body.length() + chunk.length() > maxBytes) {
                result.completeExceptionally(tooLarge(url));
                discard(response);
                return;
            }
            if (!fetch.held.reserve(chunk.length())) {
                result.completeExceptionally(new FetchException(
                        StatusCode.RPC_REQUEST_QUEUE_FULL,
                        "the node holds as many fetched input bytes as it may (runner.workflow.max-fetched-bytes);"
                                + " retry " + url + " later, or send smaller inputs"));
                discard(response);
                return;
            }
            body.appendBuffer(chunk);
        });
        response.endHandler(done -> result.complete(body.getBytes()));
    }

    private FetchException tooLarge(String url) {
        return new FetchException(
                StatusCode.INPUT_OVER_LIMIT,
                url + " is larger than " + maxBytes + " bytes (runner.workflow.max-input-bytes)");
    }

    /** The URL, parsed, when its form is one the node fetches. */
    static URI check(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new FetchException(
                    StatusCode.INPUT_INVALID_URL, "'" + url + "' is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchException(
                    StatusCode.INPUT_INVALID_URL,
                    "'" + url + "' is not an http or https URL; send other content as base64 bytes");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new FetchException(StatusCode.INPUT_INVALID_URL, "'" + url + "' names no host");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new FetchException(
                    StatusCode.INPUT_INVALID_URL, "'" + url + "' names port " + uri.getPort() + ", outside 1 to 65535");
        }
        if (uri.getRawUserInfo() != null) {
            throw new FetchException(StatusCode.INPUT_INVALID_URL, "'" + url + "' carries credentials; it is refused");
        }
        return uri;
    }

    /** The address the node connects to: the host's first, when none of its addresses is refused. */
    private InetAddress resolve(String url, String host) {
        InetAddress[] addresses;
        try {
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw new FetchException(
                    StatusCode.INPUT_CONNECTION_FAILED, "the host of " + url + " cannot be resolved: " + host);
        }
        for (InetAddress address : addresses) {
            String refusal = rules.refusal(address);
            if (refusal != null) {
                throw new FetchException(
                        StatusCode.INPUT_INVALID_URL,
                        url + " resolves to " + address.getHostAddress() + "; " + refusal);
            }
        }
        return addresses[0];
    }

    private static FetchException connectionFailed(String url, Throwable cause) {
        if (cause instanceof FetchException fetch) {
            return fetch;
        }
        // The causes say what failed ("Failed to create SSL connection" is caused by the certificate's check).
        StringBuilder reason = new StringBuilder();
        for (Throwable at = cause; at != null && reason.length() < 300; at = at.getCause()) {
            String message = at.getMessage() == null ? at.getClass().getSimpleName() : at.getMessage();
            if (reason.indexOf(message) < 0) {
                reason.append(reason.isEmpty() ? "" : ": ").append(message);
            }
        }
        return new FetchException(StatusCode.INPUT_CONNECTION_FAILED, "GET " + url + " failed: " + reason);
    }

    @Override
    public void close() {
        client.close();
    }
}
