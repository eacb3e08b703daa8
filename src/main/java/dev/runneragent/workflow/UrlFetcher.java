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

/**
 * Fetches input URLs: {@code http} and {@code https} only, at most a size limit, within a connect and a read
 * timeout. The host is resolved here and every address it resolves to is checked against the {@link AddressRules}
 * before the node connects to the address it checked (so a name cannot resolve to a public address for the check
 * and a private one for the connection); redirects are followed, at most five, each checked the same way.
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

    /** The bytes at {@code url}. */
    CompletableFuture<byte[]> fetch(String url) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        follow(url, url, 0, result);
        return result;
    }

    private void follow(String original, String url, int redirects, CompletableFuture<byte[]> result) {
        URI uri;
        try {
            uri = check(url);
        } catch (FetchException e) {
            result.completeExceptionally(e);
            return;
        }
        String host = uri.getHost();
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        // Name resolution blocks; it runs on a worker thread of Vert.x, never on an event loop.
        vertx.<InetAddress>executeBlocking(() -> resolve(url, host), false)
                .onFailure(result::completeExceptionally)
                .onSuccess(address -> {
                    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
                    RequestOptions options = new RequestOptions()
                            .setMethod(HttpMethod.GET)
                            .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
                            .setHost(host)
                            .setPort(port)
                            .setSsl(https)
                            .setURI(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery())
                            .setConnectTimeout(connectTimeout.toMillis())
                            .setFollowRedirects(false)
                            .putHeader("Accept", "*/*")
                            .putHeader("User-Agent", "runner-agent");
                    client.request(options)
                            .onFailure(e -> result.completeExceptionally(connectionFailed(url, e)))
                            .onSuccess(request -> send(original, url, uri, redirects, request, result));
                });
    }

    private void send(
            String original,
            String url,
            URI uri,
            int redirects,
            HttpClientRequest request,
            CompletableFuture<byte[]> result) {
        long timer = vertx.setTimer(readTimeout.toMillis(), id -> {
            if (result.completeExceptionally(new FetchException(
                    StatusCode.INPUT_CONNECTION_FAILED,
                    "GET " + url + " did not finish within " + readTimeout.toMillis() + " ms"))) {
                request.reset();
            }
        });
        result.whenComplete((bytes, error) -> vertx.cancelTimer(timer));
        request.send()
                .onFailure(e -> result.completeExceptionally(connectionFailed(url, e)))
                .onSuccess(response -> {
                    // Errors after a reset below (or after the answer) are expected; others fail the fetch.
                    response.exceptionHandler(e -> result.completeExceptionally(connectionFailed(url, e)));
                    int status = response.statusCode();
                    if (status >= 300 && status < 400 && response.getHeader("Location") != null) {
                        discard(response);
                        redirect(original, uri, response, redirects, result);
                        return;
                    }
                    if (status != 200) {
                        discard(response);
                        result.completeExceptionally(new FetchException(
                                StatusCode.INPUT_CONNECTION_FAILED, "GET " + url + " answered HTTP " + status));
                        return;
                    }
                    read(url, response, result);
                });
    }

    /** Drops the connection of an answer whose body is not wanted; the reset it causes is no error. */
    private static void discard(HttpClientResponse response) {
        response.exceptionHandler(expected -> {});
        response.request().reset();
    }

    private void redirect(
            String original, URI from, HttpClientResponse response, int redirects, CompletableFuture<byte[]> result) {
        if (redirects >= MAX_REDIRECTS) {
            result.completeExceptionally(new FetchException(
                    StatusCode.INPUT_CONNECTION_FAILED,
                    "GET " + original + " redirected more than " + MAX_REDIRECTS + " times"));
            return;
        }
        String next;
        try {
            next = from.resolve(response.getHeader("Location")).toString();
        } catch (IllegalArgumentException e) {
            result.completeExceptionally(new FetchException(
                    StatusCode.INPUT_INVALID_URL,
                    "GET " + original + " redirected to a malformed location: " + response.getHeader("Location")));
            return;
        }
        follow(original, next, redirects + 1, result);
    }

    private void read(String url, HttpClientResponse response, CompletableFuture<byte[]> result) {
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
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new FetchException(StatusCode.INPUT_CONNECTION_FAILED, "GET " + url + " failed: " + reason);
    }

    @Override
    public void close() {
        client.close();
    }
}
