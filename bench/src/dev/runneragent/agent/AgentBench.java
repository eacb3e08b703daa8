package dev.runneragent.agent;

import dev.runneragent.bench.ClosedLoop;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent benchmark of BENCHMARKS.md: a model run through a hub and an agent (two processes of the packaged node on
 * loopback: the hub has no models, the agent serves the sample models and pulls runner items from the hub) versus the
 * same model called in-process on the agent itself (its own PostModelOutputs, no hub), side by side against the same
 * two processes. Phases, each a closed loop of callers with a warm-up of a third of the phase:
 *
 * <ul>
 *   <li>in-process: PostModelOutputs on the agent, one input per request;
 *   <li>through hub and agent: the same request to the hub, which queues it as a runner item for the agent.
 * </ul>
 *
 * The model is colour-classifier (a 32x32 image; a forward pass of about 0.1 ms, so that the cost of the path
 * itself shows), or slow-echo with a given number of rounds (a forward pass as long as asked, one input per batch:
 * a model whose inference dominates, as on an accelerator).
 *
 * Each runs with 1 caller (latency) and with many (throughput at saturation). The added latency of a path is the
 * caller's latency minus the model's inference time: the phase's mean forward pass as the agent's
 * runner_model_inference_seconds counts it (at 1 caller every batch holds one input). A first round warms both nodes
 * up and is not recorded; every other round reverses the phase order. Each phase also gives the CPU time the hub's
 * and the agent's processes used per request while it was measured (as the operating system counts it).
 * Usage: AgentBench jar seconds rounds callers pull-loops [colour-classifier | slow-echo:ROUNDS]; environment:
 * AGENT_BENCH_WARMUP (seconds of each phase in the first round), AGENT_BENCH_PHASES (only the phases whose name
 * contains it, without the report).
 */
public final class AgentBench {

    private static final String KEY = "bench-key-0123456789abcdef0123";
    private static final String USER = "bench";
    private static final int IMAGES = 16;
    /** The model measured: colour-classifier (images, a forward pass of about 0.1 ms), or slow-echo. */
    private final String model;
    /** slow-echo's rounds per item (about 30 µs each): how long its forward pass takes. */
    private final int work;

    private record Phase(String name, String base, int callers) {}

    /** A phase's figures; the CPU time each node spent per request while it was measured, in microseconds. */
    private record Result(
            double perSecond,
            long p50Micros,
            long p99Micros,
            int errors,
            double inferenceMicros,
            double hubCpuMicros,
            double agentCpuMicros) {}

    private Process hubNode;
    private Process agentNode;

    private AgentBench(String model, int work) {
        this.model = model;
        this.work = work;
    }

    private final HttpClient http = ClosedLoop.client();

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int callers = Integer.parseInt(args[3]);
        String loops = args[4];
        // "colour-classifier", or "slow-echo:ROUNDS" (the test model whose forward pass takes as long as asked)
        String[] spec = (args.length > 5 ? args[5] : "colour-classifier").split(":");
        String model = spec[0];
        int work = spec.length > 1 ? Integer.parseInt(spec[1]) : 0;
        String models = model.equals("slow-echo") ? "src/test/resources/slow-models" : "models";
        int hubPort = freePort();
        int agentPort = freePort();
        Path hubData = Files.createTempDirectory("agent-bench-hub-");
        Path agentData = Files.createTempDirectory("agent-bench-agent-");
        Path noModels = Files.createDirectories(hubData.resolve("no-models"));
        List<Process> nodes = new ArrayList<>();
        try {
            AgentBench bench = new AgentBench(model, work);
            nodes.add(start(jar, "hub", hubPort, hubData, noModels.toString()));
            ClosedLoop.awaitReady(bench.http, nodes.get(0), "http://127.0.0.1:" + hubPort, "bench/target/agent-bench-hub.log");
            nodes.add(start(
                    jar,
                    "agent",
                    agentPort,
                    agentData,
                    models,
                    "-Drunner.agent.control-plane-url=http://127.0.0.1:" + hubPort,
                    "-Drunner.agent.user-id=" + USER,
                    "-Drunner.agent.key=" + KEY,
                    "-Drunner.agent.runner-id=bench-agent",
                    "-Drunner.agent.pull-loops=" + loops));
            ClosedLoop.awaitReady(
                    bench.http, nodes.get(1), "http://127.0.0.1:" + agentPort, "bench/target/agent-bench-agent.log");
            bench.hubNode = nodes.get(0);
            bench.agentNode = nodes.get(1);
            bench.run(seconds, rounds, callers, "http://127.0.0.1:" + hubPort, "http://127.0.0.1:" + agentPort);
        } finally {
            for (Process node : nodes) {
                node.destroy();
                node.waitFor(60, TimeUnit.SECONDS);
            }
            for (Path data : List.of(hubData, agentData)) {
                try (var paths = Files.walk(data)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        System.exit(0);
    }

    private static Process start(Path jar, String name, int port, Path data, String models, String... more)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "java",
                "-Dquarkus.http.port=" + port,
                "-Drunner.data-dir=" + data,
                "-Drunner.models.dir=" + models,
                "-Drunner.auth.bootstrap-user=" + USER,
                "-Drunner.auth.bootstrap-key=" + KEY,
                "-Dquarkus.log.level=WARN"));
        command.addAll(List.of(more));
        String extra = System.getenv().getOrDefault("AGENT_BENCH_NODE_OPTS", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+"))); // a variant to compare, e.g. another store setting
        }
        command.addAll(List.of("-jar", jar.toString()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(Path.of("bench/target/agent-bench-" + name + ".log").toFile())
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void run(int seconds, int rounds, int callers, String hub, String agent) throws Exception {
        List<String> images =
                ClosedLoop.noiseImages(IMAGES).stream().map(b -> Base64.getEncoder().encodeToString(b)).toList();
        java.util.function.IntFunction<String> body = model.equals("slow-echo")
                ? i -> "{\"inputs\":[{\"data\":{\"embeddings\":[{\"vector\":[" + work + "," + (i % 100) + "]}]}}]}"
                : i -> "{\"inputs\":[{\"data\":{\"image\":{\"base64\":\"" + images.get(i % IMAGES) + "\"}}}]}";
        List<Phase> phases = new ArrayList<>();
        for (int c : new int[] {1, callers}) {
            phases.add(new Phase("in-process, " + c + " caller(s)", agent, c));
            phases.add(new Phase("through hub and agent, " + c + " caller(s)", hub, c));
        }
        // AGENT_BENCH_WARMUP: seconds of each phase in the first, unrecorded round (both JITs need minutes here)
        int warmUp = Integer.parseInt(System.getenv().getOrDefault("AGENT_BENCH_WARMUP", "0"));
        // AGENT_BENCH_PHASES: run only the phases whose name contains it (a probe, e.g. "hub and agent, 1 ")
        String only = System.getenv().getOrDefault("AGENT_BENCH_PHASES", "");
        phases.removeIf(p -> !p.name().contains(only));
        Map<String, List<Result>> results = new LinkedHashMap<>();
        phases.forEach(p -> results.put(p.name(), new ArrayList<>()));
        for (int round = -1; round < rounds; round++) {
            List<Phase> order = new ArrayList<>(phases);
            if (round % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (Phase phase : order) {
                double[] before = inference(agent);
                long[] cpu = new long[4]; // nanoseconds: hub and agent as the measured part opened, then closed
                int phaseSeconds = round < 0 ? Math.max(seconds, warmUp) : seconds;
                ClosedLoop.Run measured = ClosedLoop.measure(
                        phase.callers(),
                        phaseSeconds,
                        i -> post(phase.base(), "/v2/models/" + model + "/outputs", body.apply(i)),
                        () -> {
                            cpu[0] = cpuNanos(hubNode);
                            cpu[1] = cpuNanos(agentNode);
                        },
                        () -> {
                            cpu[2] = cpuNanos(hubNode);
                            cpu[3] = cpuNanos(agentNode);
                        });
                double[] after = inference(agent);
                double batches = after[1] - before[1];
                double requests = Math.max(1, measured.perSecond() * phaseSeconds);
                Result result = new Result(
                        measured.perSecond(),
                        measured.p50Micros(),
                        measured.p99Micros(),
                        measured.errors(),
                        batches == 0 ? 0 : (after[0] - before[0]) / batches * 1e6,
                        (cpu[2] - cpu[0]) / 1e3 / requests,
                        (cpu[3] - cpu[1]) / 1e3 / requests);
                if (round >= 0) {
                    results.get(phase.name()).add(result);
                }
                System.err.printf(
                        Locale.ROOT,
                        "round %d %-36s %8.1f req/s p50 %6d us p99 %6d us inference %6.0f us"
                                + " cpu/req hub %5.0f us agent %5.0f us errors %d%n",
                        round + 1,
                        phase.name(),
                        result.perSecond(),
                        result.p50Micros(),
                        result.p99Micros(),
                        result.inferenceMicros(),
                        result.hubCpuMicros(),
                        result.agentCpuMicros(),
                        result.errors());
            }
        }
        if (only.isEmpty()) {
            report(results, callers); // a probe of some phases has only the log's lines
        }
    }

    /** The CPU time {@code node} has used so far, user and system, in nanoseconds. */
    private static long cpuNanos(Process node) {
        return node.toHandle()
                .info()
                .totalCpuDuration()
                .map(java.time.Duration::toNanos)
                .orElse(0L);
    }

    /** The agent's runner_model_inference_seconds of the model, summed over devices: {sum, count}. */
    private double[] inference(String agent) throws Exception {
        String metrics = http.send(
                        HttpRequest.newBuilder(URI.create(agent + "/q/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        double[] sumCount = new double[2];
        Matcher line = Pattern.compile("(?m)^runner_model_inference_seconds_(sum|count)\\{([^}]*)\\} ([0-9.eE+-]+)$")
                .matcher(metrics);
        while (line.find()) {
            if (line.group(2).contains("model=\"" + model + "\"")) {
                sumCount[line.group(1).equals("sum") ? 0 : 1] += Double.parseDouble(line.group(3));
            }
        }
        return sumCount;
    }

    private String post(String base, String path, String body) throws Exception {
        return ClosedLoop.post(http, base + path, KEY, body);
    }

    private static void report(Map<String, List<Result>> results, int callers) {
        System.out.println("| phase | req/s | p50 µs | p99 µs | inference µs | CPU µs per request: hub, agent"
                + " | rounds (req/s, sorted) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---|");
        results.forEach((name, list) -> {
            Result median = median(list);
            int errors = list.stream().mapToInt(Result::errors).sum();
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.0f | %d | %d | %.0f | %.0f, %.0f | %s%s |%n",
                    name,
                    median.perSecond(),
                    median.p50Micros(),
                    median.p99Micros(),
                    median.inferenceMicros(),
                    median.hubCpuMicros(),
                    median.agentCpuMicros(),
                    Arrays.toString(list.stream()
                                    .mapToLong(r -> Math.round(r.perSecond()))
                                    .sorted()
                                    .toArray())
                            .replaceAll("[\\[\\]]", ""),
                    errors > 0 ? " (" + errors + " errors)" : "");
        });
        System.out.println();
        System.out.println("| ratio | median round | every round |");
        System.out.println("|---|---:|---|");
        String many = ", " + callers + " caller(s)";
        ratio(
                results,
                "through hub and agent / in-process, throughput" + many,
                "through hub and agent" + many,
                "in-process" + many);
        ratio(
                results,
                "through hub and agent / in-process, throughput, 1 caller",
                "through hub and agent, 1 caller(s)",
                "in-process, 1 caller(s)");
        System.out.println();
        System.out.println("| added latency at 1 caller (latency minus inference) | p50 µs | p99 µs | p50 by round |");
        System.out.println("|---|---:|---:|---|");
        for (String path : List.of("through hub and agent", "in-process")) {
            List<Result> list = results.get(path + ", 1 caller(s)");
            long[] p50 = list.stream()
                    .mapToLong(r -> Math.round(r.p50Micros() - r.inferenceMicros()))
                    .sorted()
                    .toArray();
            long[] p99 = list.stream()
                    .mapToLong(r -> Math.round(r.p99Micros() - r.inferenceMicros()))
                    .sorted()
                    .toArray();
            System.out.printf(
                    Locale.ROOT,
                    "| %s | **%d** | %d | %s |%n",
                    path,
                    p50[p50.length / 2],
                    p99[p99.length / 2],
                    Arrays.toString(p50).replaceAll("[\\[\\]]", ""));
        }
    }

    private static void ratio(Map<String, List<Result>> results, String label, String top, String bottom) {
        ClosedLoop.ratio(results, Result::perSecond, label, top, bottom);
    }

    private static Result median(List<Result> list) {
        return ClosedLoop.median(list, Result::perSecond);
    }
}
