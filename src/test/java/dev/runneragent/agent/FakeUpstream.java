package dev.runneragent.agent;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An upstream that answers what a test scripts, per path, and records every request it gets: enough to watch the
 * client's retries, refusals and circuit breaker, which a healthy hub never shows. Started for the test application
 * by {@link Profile}, whose configuration points the agent at it.
 */
public final class FakeUpstream implements QuarkusTestResourceLifecycleManager {

    /**
     * A scripted answer, given after {@code delayMillis} (a long poll that finds nothing takes a while): JSON text,
     * or, with {@link #protobuf}, a message in protobuf's binary encoding.
     */
    public record Answer(int status, String body, long delayMillis, byte[] binary) {
        public Answer(int status, String body, long delayMillis) {
            this(status, body, delayMillis, null);
        }

        public Answer(int status, String body) {
            this(status, body, 0);
        }

        /** {@code message} in protobuf's binary encoding ({@code application/x-protobuf}), as a hub of this project. */
        public static Answer protobuf(int status, com.google.protobuf.Message message) {
            return new Answer(status, "", 0, message.toByteArray());
        }
    }

    /** A request the fake got, its Accept and Content-Type headers, and when (System.nanoTime). */
    public record Received(
            String method,
            String path,
            String authorization,
            String accept,
            String contentType,
            byte[] bytes,
            long atNanos) {

        /** The body as text (JSON). */
        public String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    public static final String USER = "upstream-user";
    public static final String KEY = "upstream-key-0123456789";

    private static HttpServer server;
    private static final Map<String, Deque<Answer>> SCRIPTS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();

    /** Answers requests to {@code path} with {@code answers} in turn; the last one repeats. */
    public static void script(String path, Answer... answers) {
        SCRIPTS.put(path, new ArrayDeque<>(List.of(answers)));
    }

    /** Forgets every script and every request. */
    public static void reset() {
        SCRIPTS.clear();
        RECEIVED.clear();
    }

    /** The requests {@code path} got so far. */
    public static List<Received> received(String path) {
        return RECEIVED.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                RECEIVED.add(new Received(
                        exchange.getRequestMethod(),
                        path,
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Accept"),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        exchange.getRequestBody().readAllBytes(),
                        System.nanoTime()));
                Deque<Answer> script = SCRIPTS.get(path);
                Answer answer = script == null
                        ? new Answer(404, "{\"status\":{\"code\":\"CONN_DOES_NOT_EXIST\"}}")
                        : script.size() > 1 ? script.poll() : script.peek();
                if (answer.delayMillis() > 0) {
                    try {
                        Thread.sleep(answer.delayMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                byte[] bytes = answer.binary() != null
                        ? answer.binary()
                        : answer.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders()
                        .add("Content-Type", answer.binary() != null ? "application/x-protobuf" : "application/json");
                exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
                if (bytes.length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(bytes);
                    }
                }
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool()); // a slow answer blocks no other
        server.start();
        // The client's own URL: the agent itself stays off (it starts only with runner.agent.control-plane-url).
        return Map.of("quarkus.rest-client.upstream.url", url(), "runner.agent.user-id", USER, "runner.agent.key", KEY);
    }

    public static String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    /**
     * The fake, scripted before the test application starts, with that application as its agent: runner
     * {@link #runnerId()} of {@link #USER}, with one pull loop.
     */
    public abstract static class AsAgent implements QuarkusTestResourceLifecycleManager {

        private final FakeUpstream fake = new FakeUpstream();

        /** The runner id the agent uses. */
        protected abstract String runnerId();

        /** Scripts the fake's answers (with {@link FakeUpstream#script}); the agent starts right after. */
        protected abstract void script();

        @Override
        public Map<String, String> start() {
            fake.start();
            reset();
            script();
            return Map.of(
                    "runner.agent.control-plane-url",
                    url(),
                    "runner.agent.user-id",
                    USER,
                    "runner.agent.key",
                    KEY,
                    "runner.agent.runner-id",
                    runnerId(),
                    "runner.agent.pull-loops",
                    "1");
        }

        @Override
        public void stop() {
            fake.stop();
        }
    }

    /**
     * A test application whose node is the agent of a scripted fake ({@code upstream}), with more settings given as
     * key, value pairs. Each test's profile is a subclass that names its fake and settings in its constructor.
     */
    public abstract static class AsAgentProfile implements io.quarkus.test.junit.QuarkusTestProfile {

        private final Class<? extends AsAgent> upstream;
        private final Map<String, String> settings = new java.util.LinkedHashMap<>();

        protected AsAgentProfile(Class<? extends AsAgent> upstream, String... settings) {
            this.upstream = upstream;
            for (int i = 0; i < settings.length; i += 2) {
                this.settings.put(settings[i], settings[i + 1]);
            }
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(upstream));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return settings;
        }
    }

    /** A test application whose agent's upstream is this fake. */
    public static class Profile implements io.quarkus.test.junit.QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeUpstream.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            // Short waits, so that retries and the breaker show within a test.
            return Map.of(
                    "dev.runneragent.agent.Upstream/postRunners/Retry/delay", "10",
                    "dev.runneragent.agent.Upstream/getRunner/Retry/delay", "10",
                    "dev.runneragent.agent.Upstream/listRunnerItems/Retry/delay", "10",
                    "dev.runneragent.agent.Upstream/postRunnerItemOutputs/Retry/delay", "10",
                    "dev.runneragent.agent.Upstream/listRunnerItems/Timeout/value", "1000");
        }
    }
}
