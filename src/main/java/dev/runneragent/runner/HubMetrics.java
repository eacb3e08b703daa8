package dev.runneragent.runner;

import dev.runneragent.runner.ItemStore.QueueCount;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The hub's Prometheus metrics, in two kinds.
 *
 * <p>Queue state, read from the shared store and reported by the leader replica only (see {@link HubSignals}), so
 * summing over replicas counts each item once: {@code runner_hub_items_pending}, {@code runner_hub_items_leased} and
 * {@code runner_hub_oldest_pending_seconds}, per {@code model} and {@code nodepool} ({@code any} for items addressed
 * to no nodepool). {@code runner_hub_leader} is 1 on the replica that reports them; on the others, and for a model
 * whose queue emptied, they read zero.
 *
 * <p>Events, counted by the replica where they happen, so they too sum over replicas:
 * {@code runner_hub_items_submitted_total}, {@code runner_hub_items_finished_total} (per {@code state}: done,
 * failed, cancelled), {@code runner_hub_lease_expiries_total} (per model), {@code runner_hub_poll_wait_seconds}
 * (per {@code outcome}: items or empty), {@code runner_hub_items_queue_wait_seconds} (submission to lease) and
 * {@code runner_hub_polls_waiting}.
 */
@ApplicationScoped
public class HubMetrics {

    /** The queue gauges of one model and nodepool, registered once and kept (at zero once its queue empties). */
    private static final class QueueGauges {
        volatile double pending;
        volatile double leased;
        volatile double oldestSeconds;
    }

    private final MeterRegistry registry;
    private final Map<List<String>, QueueGauges> queues = new ConcurrentHashMap<>();
    private final Counter submitted;
    private final Timer pollItems;
    private final Timer pollEmpty;
    private final Timer queueWait;

    @Inject
    public HubMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.submitted = Counter.builder("runner.hub.items.submitted")
                .description("items queued on this replica")
                .register(registry);
        this.pollItems = pollTimer("items");
        this.pollEmpty = pollTimer("empty");
        this.queueWait = Timer.builder("runner.hub.items.queue.wait")
                .description("time from an item's submission to its lease (the first stage of its latency)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }

    private Timer pollTimer(String outcome) {
        return Timer.builder("runner.hub.poll.wait")
                .tag("outcome", outcome)
                .description("how long a ListRunnerItems call waited before it was answered")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    void gauges(Supplier<Boolean> leader, Supplier<Number> waitingPolls) {
        Gauge.builder("runner.hub.leader", () -> leader.get() ? 1 : 0)
                .description("1 on the replica that reports the queue gauges")
                .register(registry);
        Gauge.builder("runner.hub.polls.waiting", waitingPolls)
                .description("ListRunnerItems calls on this replica waiting for work")
                .register(registry);
    }

    /**
     * Sets the queue gauges to {@code counts}; models and nodepools missing from it read zero. A non-leader passes
     * an empty list, so its gauges all read zero.
     */
    void queue(List<QueueCount> counts, Instant now) {
        Map<List<String>, QueueCount> current = new HashMap<>();
        counts.forEach(count -> current.put(key(count), count));
        current.keySet().forEach(key -> queues.computeIfAbsent(key, this::register));
        queues.forEach((key, gauges) -> {
            QueueCount count = current.get(key);
            gauges.pending = count == null ? 0 : count.pending();
            gauges.leased = count == null ? 0 : count.leased();
            gauges.oldestSeconds = count == null || count.oldestPending() == null
                    ? 0
                    : Math.max(0, Duration.between(count.oldestPending(), now).toMillis()) / 1000.0;
        });
    }

    private static List<String> key(QueueCount count) {
        return List.of(count.modelId(), count.nodepoolId().isEmpty() ? "any" : count.nodepoolId());
    }

    private QueueGauges register(List<String> key) {
        QueueGauges gauges = new QueueGauges();
        Tags tags = Tags.of("model", key.get(0), "nodepool", key.get(1));
        Gauge.builder("runner.hub.items.pending", gauges, g -> g.pending)
                .tags(tags)
                .description("items waiting for a runner (leader replica only)")
                .strongReference(true)
                .register(registry);
        Gauge.builder("runner.hub.items.leased", gauges, g -> g.leased)
                .tags(tags)
                .description("items a runner holds (leader replica only)")
                .strongReference(true)
                .register(registry);
        Gauge.builder("runner.hub.oldest.pending", gauges, g -> g.oldestSeconds)
                .tags(tags)
                .baseUnit("seconds")
                .description("age of the oldest pending item (leader replica only)")
                .strongReference(true)
                .register(registry);
        return gauges;
    }

    void submitted(int count) {
        submitted.increment(count);
    }

    void finished(ItemStore.State state, int count) {
        Counter.builder("runner.hub.items.finished")
                .tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
                .description("items that finished on this replica")
                .register(registry)
                .increment(count);
    }

    void leaseExpired(String modelId) {
        Counter.builder("runner.hub.lease.expiries")
                .tag("model", modelId)
                .description("leases that ended without a report from their runner")
                .register(registry)
                .increment();
    }

    /** An item leased: its time since it was submitted (earlier attempts included). */
    void queueWait(Duration waited) {
        queueWait.record(waited.isNegative() ? Duration.ZERO : waited);
    }

    void pollAnswered(Duration waited, boolean items) {
        (items ? pollItems : pollEmpty).record(waited);
    }
}
