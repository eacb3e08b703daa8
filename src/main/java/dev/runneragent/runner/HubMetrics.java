package dev.runneragent.runner;

import dev.runneragent.runner.ItemStore.QueueCount;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The hub's Prometheus metrics, in two kinds.
 *
 * <p>Queue state, read from the shared store and reported by the leader replica only (see {@link HubSignals}), so
 * summing over replicas counts each item once: {@code runner_hub_items_pending}, {@code runner_hub_items_leased} and
 * {@code runner_hub_oldest_pending_seconds}, per {@code model} and {@code nodepool} ({@code any} for items addressed
 * to no nodepool). {@code runner_hub_leader} is 1 on the replica that reports them.
 *
 * <p>Events, counted by the replica where they happen, so they too sum over replicas:
 * {@code runner_hub_items_submitted_total}, {@code runner_hub_items_finished_total} (per {@code state}: done,
 * failed, cancelled), {@code runner_hub_lease_expiries_total} (per model), {@code runner_hub_poll_wait_seconds}
 * (per {@code outcome}: items or empty) and {@code runner_hub_polls_waiting}.
 */
@ApplicationScoped
public class HubMetrics {

    private final MeterRegistry registry;
    private final MultiGauge pending;
    private final MultiGauge leased;
    private final MultiGauge oldest;
    private final Counter submitted;
    private final Timer pollItems;
    private final Timer pollEmpty;

    @Inject
    public HubMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.pending = MultiGauge.builder("runner.hub.items.pending")
                .description("items waiting for a runner (leader replica only)")
                .register(registry);
        this.leased = MultiGauge.builder("runner.hub.items.leased")
                .description("items a runner holds (leader replica only)")
                .register(registry);
        this.oldest = MultiGauge.builder("runner.hub.oldest.pending")
                .baseUnit("seconds")
                .description("age of the oldest pending item (leader replica only)")
                .register(registry);
        this.submitted = Counter.builder("runner.hub.items.submitted")
                .description("items queued on this replica")
                .register(registry);
        this.pollItems = pollTimer("items");
        this.pollEmpty = pollTimer("empty");
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

    /** Replaces the queue gauges with {@code counts}; an empty list removes them (non-leaders). */
    void queue(List<QueueCount> counts, Instant now) {
        pending.register(
                counts.stream()
                        .map(c -> MultiGauge.Row.of(tags(c), c.pending()))
                        .toList(),
                true);
        leased.register(
                counts.stream().map(c -> MultiGauge.Row.of(tags(c), c.leased())).toList(), true);
        oldest.register(
                counts.stream()
                        .filter(c -> c.oldestPending() != null)
                        .map(c -> MultiGauge.Row.of(
                                tags(c),
                                Math.max(
                                                0,
                                                Duration.between(c.oldestPending(), now)
                                                        .toMillis())
                                        / 1000.0))
                        .toList(),
                true);
    }

    private static Tags tags(QueueCount count) {
        return Tags.of("model", count.modelId(), "nodepool", count.nodepoolId().isEmpty() ? "any" : count.nodepoolId());
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

    void pollAnswered(Duration waited, boolean items) {
        (items ? pollItems : pollEmpty).record(waited);
    }
}
