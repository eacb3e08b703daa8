package dev.runneragent.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The agent's Prometheus metrics: {@code runner_agent_polls_total} (by outcome: items, empty, error),
 * {@code runner_agent_poll_wait_seconds} (a long poll's time at the upstream), {@code runner_agent_items_total} (by
 * outcome: pulled, completed, failed, handed_back, cancelled), {@code runner_agent_outbox_depth},
 * {@code runner_agent_lease_renewals_total} (renewed, failed), {@code runner_agent_lease_lag_seconds} (time since
 * an item's previous renewal when a renewal lands), {@code runner_agent_in_flight}, and the per-item latency ledger
 * {@code runner_agent_item_stage_seconds} by stage:
 *
 * <ul>
 *   <li>{@code pull}: from the start of the long poll that brought the item to the item in hand, only for polls that
 *       brought items (under load, the hand-over; when idle, also the wait for the item to arrive);
 *   <li>{@code local_queue}: from the item in hand to the engine taking it;
 *   <li>{@code run}: the engine's call (encoding, batch wait and forward pass; the model's
 *       {@code runner_model_queue_wait_seconds} and {@code runner_model_inference_seconds} split it further);
 *   <li>{@code post}: from the outputs to the upstream's acknowledgement, through the outbox.
 * </ul>
 *
 * The wait in the upstream's queue before the lease is the hub's {@code runner_hub_items_queue_wait_seconds}.
 */
@ApplicationScoped
public class AgentMetrics {

    /** A stage of an item's latency ledger. */
    enum Stage {
        PULL,
        LOCAL_QUEUE,
        RUN,
        POST
    }

    /** What became of an item, or of a poll. */
    enum Outcome {
        PULLED,
        COMPLETED,
        FAILED,
        HANDED_BACK,
        CANCELLED,
        ITEMS,
        EMPTY,
        ERROR,
        RENEWED
    }

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Stage, Timer> stages = new ConcurrentHashMap<>();
    private final Timer pollWait;
    private final Timer leaseLag;

    @Inject
    AgentMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.pollWait = Timer.builder("runner.agent.poll.wait")
                .description("time of a long poll at the upstream")
                .register(registry);
        this.leaseLag = Timer.builder("runner.agent.lease.lag")
                .description("time since an item's previous renewal (or its lease) when a renewal lands")
                .register(registry);
    }

    void gauges(Supplier<Number> outboxDepth, Supplier<Number> inFlight) {
        Gauge.builder("runner.agent.outbox.depth", outboxDepth)
                .description("results kept in the outbox, not yet taken by the upstream")
                .register(registry);
        Gauge.builder("runner.agent.in.flight", inFlight)
                .description("items pulled and not yet finished here")
                .register(registry);
    }

    void poll(Outcome outcome, long nanos) {
        count("runner.agent.polls", "outcome", outcome, "long polls by outcome");
        if (outcome != Outcome.ERROR) {
            pollWait.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void item(Outcome outcome) {
        count("runner.agent.items", "outcome", outcome, "items by what became of them");
    }

    void renewal(boolean renewed, long lagNanos) {
        count(
                "runner.agent.lease.renewals",
                "outcome",
                renewed ? Outcome.RENEWED : Outcome.FAILED,
                "lease renewals by outcome");
        if (renewed) {
            leaseLag.record(lagNanos, TimeUnit.NANOSECONDS);
        }
    }

    void stage(Stage stage, long nanos) {
        stages.computeIfAbsent(
                        stage,
                        s -> Timer.builder("runner.agent.item.stage")
                                .tag("stage", s.name().toLowerCase(Locale.ROOT))
                                .description("an item's latency ledger, stage by stage")
                                .publishPercentileHistogram()
                                .register(registry))
                .record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    private void count(String name, String tag, Outcome outcome, String description) {
        String value = outcome.name().toLowerCase(Locale.ROOT);
        counters.computeIfAbsent(
                        name + "|" + value,
                        key -> Counter.builder(name)
                                .tag(tag, value)
                                .description(description)
                                .register(registry))
                .increment();
    }
}
