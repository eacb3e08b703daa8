package dev.runneragent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runneragent.testing.Metrics;
import dev.runneragent.testing.NodeProcess;
import dev.runneragent.testing.TcpProxy;
import dev.runneragent.testing.TestNode;
import dev.runneragent.testing.Waits;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The agent through crashes, outages and shutdowns, as real processes on loopback: a hub with no models of its own,
 * and an agent serving slow-echo (a test model that runs as long as an item asks and answers a value known in
 * advance). Callers post predictions to the hub, which go to the agent as runner items; every caller must get its
 * own answer, and the hub's store must hold each item completed once.
 */
class AgentResilienceIT {

    /** The test's one HTTP client (HTTP/1.1, as the nodes' own clients speak). */
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static final String SLOW_MODELS =
            Path.of("src/test/resources/slow-models").toAbsolutePath().toString();

    /** A hub: no models, short long polls (so agents hear from it often), callers wait up to three minutes. */
    private static NodeProcess hub(String name, String... more) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "runner.hub.long-poll", "2s",
                "runner.hub.dispatch-timeout", "180s",
                "runner.hub.sweep-interval", "200ms"));
        put(settings, more);
        return NodeProcess.start(name, settings);
    }

    /** An agent of the hub at {@code upstream} serving slow-echo, with 4 pull loops. */
    private static NodeProcess agent(String name, String upstream, String... more) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "runner.models.dir",
                SLOW_MODELS,
                "runner.agent.control-plane-url",
                upstream,
                "runner.agent.user-id",
                TestNode.ADMIN,
                "runner.agent.key",
                TestNode.ADMIN_KEY,
                "runner.agent.runner-id",
                name,
                "runner.agent.outbox-retry",
                "500ms",
                "runner.agent.pull-loops",
                "4"));
        put(settings, more);
        return NodeProcess.start(name, settings);
    }

    private static void put(Map<String, String> settings, String... more) {
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
    }

    @Test
    void crash_anAgentKilledAtRandomMomentsLosesNoneOf500ItemsAndEachCallerGetsOneAnswer() throws Exception {
        try (NodeProcess hub = hub("resilience-crash-hub", "runner.hub.lease", "3s", "runner.hub.max-attempts", "20")) {
            NodeProcess agent = agent(
                    "resilience-crash-agent",
                    hub.url(),
                    "runner.agent.lease",
                    "3s",
                    "runner.agent.lease-renewal",
                    "500ms");
            try (Calls calls = new Calls(hub.url(), 16)) {
                List<Future<Answer>> answers = calls.submit(500, 1_000);
                long seed = System.nanoTime();
                Random random = new Random(seed);
                int kills = 0;
                while (!Calls.allDone(answers)) {
                    Thread.sleep(1_000 + random.nextInt(3_000));
                    if (Calls.allDone(answers)) {
                        break;
                    }
                    agent.kill();
                    kills++;
                    agent.restart();
                }
                List<Answer> all = Calls.all(answers);
                for (int i = 0; i < all.size(); i++) {
                    all.get(i).assertEchoes(Calls.value(i), "item " + i + " (kill seed " + seed + ")");
                }
                assertTrue(kills >= 2, "the agent was killed during the run (" + kills + " times)");
                assertEquals(500.0, metric(hub, "runner_hub_items_finished_total{state=\"done\"}"));
                assertEquals(0.0, metric(hub, "runner_hub_items_finished_total{state=\"failed\"}"));
            } finally {
                agent.close();
            }
        }
    }

    @Test
    void outage_anAgentCutOffFromItsHubFor30SecondsKeepsItsResultsAndDeliversThemWhenTheLinkIsBack() throws Exception {
        try (NodeProcess hub = hub("resilience-outage-hub");
                TcpProxy link = TcpProxy.to(port(hub));
                NodeProcess agent = agent("resilience-outage-agent", link.url(), "runner.agent.ready-staleness", "3s");
                Calls calls = new Calls(hub.url(), 8)) {
            List<Future<Answer>> answers = calls.submit(80, 15_000);
            Waits.until(() -> health(agent).getInt("inFlight") > 0, Duration.ofSeconds(30), "the agent runs items");

            link.cut();
            long cut = System.nanoTime();
            Waits.until(() -> !agent.ready(), Duration.ofSeconds(15), "the agent reports unready");
            Waits.until(
                    () -> health(agent).getInt("outbox") > 0,
                    Duration.ofSeconds(25),
                    "results finished during the outage wait in the outbox");
            Thread.sleep(Math.max(
                    0, 30_000 - Duration.ofNanos(System.nanoTime() - cut).toMillis()));
            assertTrue(!agent.ready(), "still unready at the end of the outage");
            link.restore();

            Waits.until(agent::ready, Duration.ofSeconds(60), "the agent is ready again once the link is back");
            List<Answer> all = Calls.all(answers);
            for (int i = 0; i < all.size(); i++) {
                all.get(i).assertEchoes(Calls.value(i), "item " + i);
            }
            Waits.until(() -> health(agent).getInt("outbox") == 0, Duration.ofSeconds(10), "the outbox empties");
            assertEquals(
                    0.0,
                    metric(hub, "runner_hub_lease_expiries_total{model=\"slow-echo\"}"),
                    "every result came from the outbox: no item went back to the queue to be run again");
            assertEquals(80.0, metric(hub, "runner_hub_items_finished_total{state=\"done\"}"));
        }
    }

    @Test
    void hubRestart_everyItemSubmittedBeforeTheHubRestartedIsCompletedInItsStoreOnce() throws Exception {
        NodeProcess hub = hub("resilience-restart-hub");
        try (NodeProcess agent = agent("resilience-restart-agent", hub.url())) {
            try (Calls calls = new Calls(hub.url(), 16)) {
                calls.submit(60, 10_000);
                Waits.until(() -> health(agent).getInt("inFlight") > 0, Duration.ofSeconds(30), "the agent runs items");
                Thread.sleep(2_000);
                hub.kill(); // the callers' connections break; their items stay in the hub's store
            }
            Thread.sleep(2_000);
            hub.restart();
            Waits.until(
                    () -> metric(hub, "runner_hub_items_pending{model=\"slow-echo\",nodepool=\"any\"}") == 0
                            && metric(hub, "runner_hub_items_leased{model=\"slow-echo\",nodepool=\"any\"}") == 0
                            && health(agent).getInt("outbox") == 0,
                    Duration.ofSeconds(90),
                    "the agent finishes every item and the hub takes every result");
            hub.terminate(Duration.ofSeconds(30));

            Map<String, Integer> states = new HashMap<>();
            int items = 0;
            try (Connection store = DriverManager.getConnection(
                            "jdbc:h2:file:" + hub.dataDir().resolve("store")
                                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
                            "sa",
                            "");
                    Statement query = store.createStatement();
                    ResultSet rows = query.executeQuery("SELECT id, state, attempts FROM runner_items")) {
                while (rows.next()) {
                    items++;
                    states.merge(rows.getString("state"), 1, Integer::sum);
                    assertEquals(1, rows.getInt("attempts"), "item " + rows.getString("id") + " ran once");
                }
            }
            assertTrue(items >= 16, "the first callers' items were submitted before the restart: " + items);
            assertEquals(Map.of("DONE", items), states, "every item submitted is completed");
        } finally {
            hub.close();
        }
    }

    @Test
    void drain_sigtermFinishesOrHandsBackEveryItemInFlightWithinTheDrainTimeout() throws Exception {
        try (NodeProcess hub = hub("resilience-drain-hub");
                Calls calls = new Calls(hub.url(), 8)) {
            NodeProcess first = agent("resilience-drain-agent", hub.url(), "runner.agent.drain-timeout", "3s");
            List<Future<Answer>> answers;
            Duration exit;
            try {
                // Eight items of two seconds or more each (slower on a busy machine), run one after another by the
                // engine: with two or more in flight, at least one cannot finish within the drain's 3 s.
                answers = calls.submit(8, 60_000);
                Waits.until(() -> health(first).getInt("inFlight") >= 2, Duration.ofSeconds(30), "items in flight");
                exit = first.terminate(Duration.ofSeconds(30));
            } finally {
                first.close();
            }
            Matcher drained = Pattern.compile("drained in (\\d+) ms: (\\d+) item\\(s\\) handed back")
                    .matcher(first.log());
            assertTrue(drained.find(), first.tail());
            assertTrue(Long.parseLong(drained.group(1)) < 3_000 + 5_000, "drained within its time: " + drained.group());
            assertTrue(Integer.parseInt(drained.group(2)) >= 1, "what could not finish was handed back");
            assertTrue(exit.compareTo(Duration.ofSeconds(15)) < 0, "exited soon after the drain: " + exit);

            try (NodeProcess second = agent("resilience-drain-agent-2", hub.url())) {
                List<Answer> all = Calls.all(answers);
                for (int i = 0; i < all.size(); i++) {
                    all.get(i).assertEchoes(Calls.value(i), "item " + i);
                }
            }
            assertEquals(8.0, metric(hub, "runner_hub_items_finished_total{state=\"done\"}"));
        }
    }

    /** A caller's answer: the HTTP status and body, or why there was none. */
    record Answer(int status, String body) {
        void assertEchoes(double value, String what) {
            assertEquals(200, status, what + ": " + body);
            JsonPath json = JsonPath.from(body);
            assertEquals("SUCCESS", json.getString("status.code"), what + ": " + body);
            assertEquals(1, json.getList("outputs").size(), what);
            assertEquals(value, json.getDouble("outputs[0].data.concepts[0].value"), 1e-6, what);
        }
    }

    /** Callers of slow-echo on a hub, {@code concurrency} at a time; each item echoes a value of its own. */
    static final class Calls implements AutoCloseable {
        private final String hub;
        private final ExecutorService callers;
        private final AtomicInteger sequence = new AtomicInteger();

        Calls(String hub, int concurrency) {
            this.hub = hub;
            this.callers = Executors.newFixedThreadPool(concurrency);
        }

        /** The value item {@code i} echoes. */
        static double value(int i) {
            return (i + 1) / 1024.0; // exact in a float
        }

        /** Posts {@code count} predictions of slow-echo, each doing {@code work} rounds. */
        List<Future<Answer>> submit(int count, int work) {
            List<Future<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                answers.add(callers.submit(() -> call(index, work)));
            }
            return answers;
        }

        private Answer call(int index, int work) {
            String body = "{\"inputs\":[{\"id\":\"in-" + sequence.incrementAndGet() + "\",\"data\":{\"embeddings\":"
                    + "[{\"vector\":[" + work + "," + value(index) + "]}]}}]}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(hub + "/v2/models/slow-echo/outputs"))
                    .header("Authorization", "Key " + TestNode.ADMIN_KEY)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofMinutes(4))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                return new Answer(response.statusCode(), response.body());
            } catch (IOException e) {
                return new Answer(-1, "no answer: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer(-1, "interrupted");
            }
        }

        static boolean allDone(List<Future<Answer>> answers) {
            return answers.stream().allMatch(Future::isDone);
        }

        static List<Answer> all(List<Future<Answer>> answers) throws Exception {
            List<Answer> all = new ArrayList<>();
            for (Future<Answer> answer : answers) {
                all.add(answer.get(5, TimeUnit.MINUTES));
            }
            return all;
        }

        @Override
        public void close() {
            callers.shutdownNow();
        }
    }

    private static int port(NodeProcess node) {
        return URI.create(node.url()).getPort();
    }

    /** The agent check of the node's readiness, as JSON ({@code inFlight}, {@code outbox}, ...). */
    private static JsonPath health(NodeProcess node) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(node.url() + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JsonPath.from(response.body()).setRootPath("checks.find { it.name == 'agent' }.data");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A sample's value in the node's Prometheus metrics, 0 when absent. */
    private static double metric(NodeProcess node, String sample) {
        try {
            String metrics = HTTP.send(
                            HttpRequest.newBuilder(URI.create(node.url() + "/q/metrics"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            return Metrics.sample(metrics, sample);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
