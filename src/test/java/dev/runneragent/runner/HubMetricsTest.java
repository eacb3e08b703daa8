package dev.runneragent.runner;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.Runner;
import dev.runneragent.runner.ItemStore.Leased;
import dev.runneragent.runner.ItemStore.Target;
import dev.runneragent.store.Db;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hub's Prometheus metrics follow the queue: pending, leased, oldest pending, queue wait at lease, lease expiries,
 * finished items.
 */
@QuarkusTest
class HubMetricsTest {

    @Inject
    Db db;

    @Inject
    RunnerStore runners;

    @Inject
    RunnerQueue queue;

    @Inject
    Dispatcher dispatcher;

    @Inject
    HubSweeper sweeper;

    @Test
    void theGaugesAndCountersFollowTheQueue() throws Exception {
        String model = "metered-" + UUID.randomUUID().toString().substring(0, 8);
        String labels = "model=\"" + model + "\",nodepool=\"pool-x\"";
        RunnerProfile runner =
                new RunnerProfile("admin", model + "-runner", model, "", "", "pool-x", List.of(), 1, null);
        db.inTransaction(
                c -> runners.insert(c, Runner.newBuilder().setId(runner.id()).build(), runner, Instant.now()));
        PostModelOutputsRequest request = PostModelOutputsRequest.newBuilder()
                .setModelId(model)
                .addInputs(Input.getDefaultInstance())
                .build();
        List<CompletableFuture<MultiOutputResponse>> callers = List.of(
                dispatcher.submit(
                        "admin", request, new Target("", "pool-x", ""), Resources.NONE, Duration.ofSeconds(60)),
                dispatcher.submit(
                        "admin", request, new Target("", "pool-x", ""), Resources.NONE, Duration.ofSeconds(60)));
        sweeper.sweep();
        String metrics = metrics();
        assertEquals(1.0, value(metrics, "runner_hub_leader", ""), "the only process reports the gauges");
        assertEquals(2.0, value(metrics, "runner_hub_items_pending", labels));
        assertEquals(0.0, value(metrics, "runner_hub_items_leased", labels));
        assertTrue(value(metrics, "runner_hub_oldest_pending_seconds", labels) >= 0);
        double leasedBefore = value(metrics, "runner_hub_items_queue_wait_seconds_count", "");

        Leased leased = queue.poll(runner).get(10, TimeUnit.SECONDS).get(0);
        sweeper.sweep();
        metrics = metrics();
        assertEquals(1.0, value(metrics, "runner_hub_items_pending", labels));
        assertEquals(1.0, value(metrics, "runner_hub_items_leased", labels));
        assertEquals(
                leasedBefore + 1,
                value(metrics, "runner_hub_items_queue_wait_seconds_count", ""),
                "the lease recorded the item's wait since its submission");

        new StoredItems(db).expireLease(leased.id());
        sweeper.sweep();
        metrics = metrics();
        assertEquals(1.0, value(metrics, "runner_hub_lease_expiries_total", "model=\"" + model + "\""));
        assertEquals(2.0, value(metrics, "runner_hub_items_pending", labels), "the expired item is pending again");

        callers.forEach(caller -> caller.cancel(false));
        for (int i = 0; i < 50 && value(metrics(), "runner_hub_items_pending", labels) > 0; i++) {
            Thread.sleep(100);
            sweeper.sweep();
        }
        assertEquals(0.0, value(metrics(), "runner_hub_items_pending", labels), "an emptied queue reads zero");
        assertEquals(0.0, value(metrics(), "runner_hub_items_leased", labels));
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The sample of {@code name} whose labels contain {@code labels}; -1 when there is none. */
    private static double value(String metrics, String name, String labels) {
        Matcher sample = Pattern.compile("(?m)^" + name + "(?:\\{([^}]*)})? ([-0-9.eE+]+)$")
                .matcher(metrics);
        while (sample.find()) {
            String found = sample.group(1) == null ? "" : sample.group(1);
            if (found.contains(labels)) {
                return Double.parseDouble(sample.group(2));
            }
        }
        return -1;
    }
}
