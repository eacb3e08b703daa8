package dev.runneragent.workflow;

import dev.runneragent.bench.ClosedLoop;
import dev.runneragent.bench.ClosedLoop.Run;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workflow benchmark of BENCHMARKS.md: what running a model through a workflow costs over calling it directly,
 * side by side against one packaged node (a separate process, over HTTP, on the sample models). Phases, each a closed
 * loop of callers with a warm-up of a third of the phase before it is measured:
 *
 * <ul>
 *   <li>direct: PostModelOutputs of colour-classifier, one image per request;
 *   <li>workflow, 1 node: PostWorkflowResults of a workflow holding only that model, same image;
 *   <li>workflow, 1 node, URL: the same, the image fetched by the node from a local HTTP server;
 *   <li>client chain: the three calls a client would make without workflows (image-embedder, then
 *       colour-from-embedding on its vector, then colour-classifier), one after another;
 *   <li>workflow, 3 nodes: the same three models as one workflow (the embedder suppressed, feeding the classifier
 *       of embeddings; the colour classifier beside them, running concurrently).
 * </ul>
 *
 * Each phase runs with 1 caller (latency) and with many (throughput). A first round warms the node up and is not
 * recorded; every other round reverses the phase order, so drift falls on both sides of a ratio alike. Usage: WorkflowBench jar seconds rounds callers
 */
public final class WorkflowBench {

    private static final String KEY = "bench-key-0123456789abcdef0123";
    private static final int IMAGES = 16;

    private record Phase(String name, int callers, IntFunction<Call> call) {}

    /** One request of a phase: where it goes and its body. */
    private record Call(String path, String body) {}


    private final HttpClient http = ClosedLoop.client();
    private final String base;

    private WorkflowBench(String base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        // The image server answers in one segment; else Nagle and delayed ACKs add 40 ms to every fetch.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path jar = Path.of(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int callers = Integer.parseInt(args[3]);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path data = Files.createTempDirectory("workflow-bench-");
        Process node = new ProcessBuilder(
                        "java",
                        "-Dquarkus.http.port=" + port,
                        "-Drunner.data-dir=" + data,
                        "-Drunner.models.dir=models",
                        "-Drunner.auth.bootstrap-key=" + KEY,
                        "-Drunner.workflow.allow-private-urls=true",
                        "-Dquarkus.log.level=WARN",
                        "-jar",
                        jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(Path.of("bench/target/workflow-node.log").toFile())
                .start();
        HttpServer files = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        try {
            WorkflowBench bench = new WorkflowBench("http://127.0.0.1:" + port);
            ClosedLoop.awaitReady(bench.http, node, bench.base, "bench/target/workflow-node.log");
            bench.run(seconds, rounds, callers, files);
        } finally {
            files.stop(0);
            node.destroy();
            node.waitFor(20, TimeUnit.SECONDS);
            try (var paths = Files.walk(data)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    private void run(int seconds, int rounds, int callers, HttpServer files) throws Exception {
        List<byte[]> images = ClosedLoop.noiseImages(IMAGES);
        List<String> base64 = images.stream().map(b -> Base64.getEncoder().encodeToString(b)).toList();
        for (int i = 0; i < images.size(); i++) {
            byte[] body = images.get(i);
            files.createContext("/image-" + i + ".png", exchange -> {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
        }
        files.setExecutor(Executors.newFixedThreadPool(4));
        files.start();
        String filesBase = "http://127.0.0.1:" + files.getAddress().getPort();
        post("/v2/workflows", """
                {"workflows":[{"id":"bench-one","nodes":[{"id":"classify","model":{"id":"colour-classifier"}}]}]}""");
        post("/v2/workflows", """
                {"workflows":[{"id":"bench-three","nodes":[
                  {"id":"embed","model":{"id":"image-embedder"},"suppressOutput":true},
                  {"id":"from-embedding","model":{"id":"colour-from-embedding"},"nodeInputs":[{"nodeId":"embed"}]},
                  {"id":"classify","model":{"id":"colour-classifier"}}]}]}""");
        // The client chain's second call needs the embedder's vector for each image: computed once, up front.
        List<String> vectors = new ArrayList<>();
        for (String image : base64) {
            String answer = post("/v2/models/image-embedder/outputs", imageBody(image));
            Matcher vector = Pattern.compile("\"vector\":(\\[[^\\]]*\\])").matcher(answer);
            if (!vector.find()) {
                throw new IllegalStateException("no embedding in " + answer);
            }
            vectors.add(vector.group(1));
        }

        List<Phase> phases = new ArrayList<>();
        for (int c : new int[] {1, callers}) {
            phases.add(new Phase(
                    "direct, " + c + " caller(s)",
                    c,
                    i -> new Call("/v2/models/colour-classifier/outputs", imageBody(base64.get(i % IMAGES)))));
            phases.add(new Phase(
                    "workflow 1 node, " + c + " caller(s)",
                    c,
                    i -> new Call("/v2/workflows/bench-one/results", imageBody(base64.get(i % IMAGES)))));
            phases.add(new Phase(
                    "workflow 1 node, URL, " + c + " caller(s)",
                    c,
                    i -> new Call(
                            "/v2/workflows/bench-one/results",
                            "{\"inputs\":[{\"data\":{\"image\":{\"url\":\"" + filesBase + "/image-" + (i % IMAGES)
                                    + ".png\"}}}]}")));
            phases.add(new Phase("client chain of 3, " + c + " caller(s)", c, null));
            phases.add(new Phase(
                    "workflow 3 nodes, " + c + " caller(s)",
                    c,
                    i -> new Call("/v2/workflows/bench-three/results", imageBody(base64.get(i % IMAGES)))));
        }
        Map<String, List<Run>> results = new LinkedHashMap<>();
        phases.forEach(p -> results.put(p.name(), new ArrayList<>()));
        // One unrecorded round first, so that the node's JIT has compiled every path before any round counts.
        for (int round = -1; round < rounds; round++) {
            List<Phase> order = new ArrayList<>(phases);
            if (round % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (Phase phase : order) {
                Run result = phase.call() == null
                        ? ClosedLoop.measure(phase.callers(), seconds, i -> chain(base64.get(i % IMAGES), vectors.get(i % IMAGES)))
                        : ClosedLoop.measure(phase.callers(), seconds, i -> {
                            Call call = phase.call().apply(i);
                            post(call.path(), call.body());
                        });
                if (round >= 0) {
                    results.get(phase.name()).add(result);
                }
                System.err.printf(
                        Locale.ROOT,
                        "round %d %-36s %8.1f req/s p50 %6d us p99 %6d us errors %d%n",
                        round + 1,
                        phase.name(),
                        result.perSecond(),
                        result.p50Micros(),
                        result.p99Micros(),
                        result.errors());
            }
        }
        report(results, rounds, callers);
    }

    /** The three calls a client makes without a workflow, one after another. */
    private void chain(String image, String vector) throws Exception {
        post("/v2/models/image-embedder/outputs", imageBody(image));
        post(
                "/v2/models/colour-from-embedding/outputs",
                "{\"inputs\":[{\"data\":{\"embeddings\":[{\"vector\":" + vector + "}]}}]}");
        post("/v2/models/colour-classifier/outputs", imageBody(image));
    }

    private static String imageBody(String base64) {
        return "{\"inputs\":[{\"data\":{\"image\":{\"base64\":\"" + base64 + "\"}}}]}";
    }

    private String post(String path, String body) throws Exception {
        return ClosedLoop.post(http, base + path, KEY, body);
    }

    private static void report(Map<String, List<Run>> results, int rounds, int callers) {
        System.out.println("| phase | req/s | p50 µs | p99 µs | rounds (req/s, sorted) |");
        System.out.println("|---|---:|---:|---:|---|");
        results.forEach((name, list) -> {
            Run median = median(list);
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.0f | %d | %d | %s%s |%n",
                    name,
                    median.perSecond(),
                    median.p50Micros(),
                    median.p99Micros(),
                    Arrays.toString(list.stream()
                                    .mapToLong(r -> Math.round(r.perSecond()))
                                    .sorted()
                                    .toArray())
                            .replaceAll("[\\[\\]]", ""),
                    list.stream().mapToInt(Run::errors).sum() > 0
                            ? " (" + list.stream().mapToInt(Run::errors).sum() + " errors)"
                            : "");
        });
        System.out.println();
        System.out.println("| ratio | median round | every round |");
        System.out.println("|---|---:|---|");
        for (int c : new int[] {1, callers}) {
            String suffix = ", " + c + " caller(s)";
            ratio(results, "workflow 1 node / direct, throughput" + suffix, "workflow 1 node" + suffix, "direct" + suffix);
            ratio(
                    results,
                    "workflow 1 node, URL / base64, throughput" + suffix,
                    "workflow 1 node, URL" + suffix,
                    "workflow 1 node" + suffix);
            ratio(
                    results,
                    "workflow 3 nodes / client chain of 3, throughput" + suffix,
                    "workflow 3 nodes" + suffix,
                    "client chain of 3" + suffix);
        }
    }

    private static void ratio(Map<String, List<Run>> results, String label, String top, String bottom) {
        ClosedLoop.ratio(results, Run::perSecond, label, top, bottom);
    }

    private static Run median(List<Run> list) {
        return ClosedLoop.median(list, Run::perSecond);
    }
}
