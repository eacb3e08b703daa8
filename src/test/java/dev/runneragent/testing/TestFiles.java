package dev.runneragent.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A plain HTTP server on the loopback interface that serves files registered by path, as the URLs of test inputs:
 * an unknown path answers 404, {@code /redirect/<path>} answers 302 to {@code /<path>}, {@code /away/<host>/<path>}
 * answers 302 to {@code <path>} on {@code <host>} at this server's port, {@code /slow/<path>} waits
 * {@code slowMillis} before its body, and {@code /chunked/<path>} sends it without a {@code Content-Length}.
 */
public final class TestFiles implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private volatile long slowMillis = 5_000;

    public TestFiles() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            try (exchange) {
                if (path.startsWith("/away/")) {
                    String[] parts = path.substring("/away/".length()).split("/", 2);
                    exchange.getResponseHeaders()
                            .add(
                                    "Location",
                                    "http://" + parts[0] + ":"
                                            + server.getAddress().getPort() + "/" + parts[1]);
                    exchange.sendResponseHeaders(302, -1);
                    return;
                }
                if (path.startsWith("/redirect/")) {
                    exchange.getResponseHeaders().add("Location", "/" + path.substring("/redirect/".length()));
                    exchange.sendResponseHeaders(302, -1);
                    return;
                }
                boolean slow = path.startsWith("/slow/");
                boolean chunked = path.startsWith("/chunked/");
                String file = slow || chunked ? path.substring(path.indexOf('/', 1)) : path;
                byte[] body = files.get(file);
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                if (slow) {
                    Thread.sleep(slowMillis);
                }
                exchange.sendResponseHeaders(200, chunked ? 0 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client went away (a fetch that gave up); nothing to answer
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    /** Serves {@code body} at {@code path} and answers its URL. */
    public String put(String path, byte[] body) {
        files.put(path, body);
        return url(path);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public void slowMillis(long millis) {
        this.slowMillis = millis;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
