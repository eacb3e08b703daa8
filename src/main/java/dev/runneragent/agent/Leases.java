package dev.runneragent.agent;

import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The items this agent holds, and the threads that keep their leases: every {@code runner.agent.lease-renewal} they
 * report progress on each item, which renews the item's lease at the upstream. A keeper thread finds the renewals
 * that are due and the leases that ran out; a few reporter threads send the renewals side by side. They are their
 * own, at the highest priority, and do nothing else, so inference never starves them.
 *
 * <p>An item whose lease is lost has its local work cancelled at once: the upstream refused the renewal (the item was
 * cancelled, or went to another runner), or no renewal got through for {@code runner.agent.lease}, after which the
 * upstream gives the item to another runner. Queued inputs of a cancelled item are never run; a forward pass already
 * running ends, and its outputs are dropped.
 */
final class Leases {

    /** An item this agent holds. */
    static final class Held {
        final String itemId;
        final long pulledNanos;
        private volatile long renewedNanos;
        private volatile long triedNanos;
        private volatile boolean lastFailed;
        private volatile boolean renewing;
        private volatile Future<?> work;
        private volatile String lost;

        private Held(String itemId, long pulledNanos) {
            this.itemId = itemId;
            this.pulledNanos = pulledNanos;
            this.renewedNanos = pulledNanos;
            this.triedNanos = pulledNanos;
        }

        /** The local work on the item; cancelled at once if the lease was lost already. */
        void working(Future<?> running) {
            this.work = running;
            if (lost != null) {
                running.cancel(true);
            }
        }

        /** Why this agent no longer holds the item, or null while it does. */
        String lost() {
            return lost;
        }

        /** Gives the item up: its work is cancelled and its outputs will not be posted. False if already given up. */
        synchronized boolean lose(String why) {
            if (lost != null) {
                return false;
            }
            lost = why;
            Future<?> running = work;
            if (running != null) {
                running.cancel(true);
            }
            return true;
        }
    }

    /** Renewals sent side by side at most (each waits up to the report's timeout on a slow upstream). */
    private static final int REPORTERS = 8;

    private static final Status PROGRESS = Status.newBuilder()
            .setCode(StatusCode.SUCCESS)
            .setDescription("Running")
            .setDetails("the item runs on this runner; its lease is renewed")
            .build();

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Upstream upstream;
    private final AgentMetrics metrics;
    private final long leaseNanos;
    private final long renewalNanos;
    private final ScheduledExecutorService keeper;
    private final ThreadPoolExecutor reporters;
    private volatile String runnerId;

    Leases(Upstream upstream, AgentMetrics metrics, Duration lease, Duration renewal) {
        this.upstream = upstream;
        this.metrics = metrics;
        this.leaseNanos = lease.toNanos();
        this.renewalNanos = renewal.toNanos();
        this.keeper = Executors.newSingleThreadScheduledExecutor(urgent("agent-leases"));
        this.reporters = new ThreadPoolExecutor(
                REPORTERS, REPORTERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), urgent("agent-lease-reports"));
        this.reporters.allowCoreThreadTimeOut(true);
    }

    /** Daemon threads at the highest priority, so that inference never starves them. */
    private static ThreadFactory urgent(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            thread.setPriority(Thread.MAX_PRIORITY);
            return thread;
        };
    }

    /** Starts renewing the leases of {@code runnerId}'s items. */
    void start(String runnerId) {
        this.runnerId = runnerId;
        long tick = Math.max(50, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(renewalNanos) / 4));
        keeper.scheduleWithFixedDelay(this::keep, tick, tick, TimeUnit.MILLISECONDS);
    }

    void stop() {
        keeper.shutdownNow();
        reporters.shutdownNow();
    }

    /** Holds an item just pulled (its lease starts now, as far as this agent knows). */
    Held hold(String itemId) {
        Held item = new Held(itemId, System.nanoTime());
        held.put(itemId, item);
        return item;
    }

    void release(Held item) {
        held.remove(item.itemId, item);
    }

    int size() {
        return held.size();
    }

    Collection<Held> all() {
        return List.copyOf(held.values());
    }

    /**
     * One round: gives up items whose lease ran out, then hands the renewals that are due to the reporters, so that
     * the round itself never waits on the upstream. A slow upstream thus delays each renewal by one answer, not by
     * one answer per item held.
     */
    private void keep() {
        try {
            long now = System.nanoTime();
            for (Held item : held.values()) {
                if (item.lost == null && now - item.renewedNanos > leaseNanos) {
                    lose(item, "its lease could not be renewed for " + Duration.ofNanos(leaseNanos));
                }
            }
            for (Held item : held.values()) {
                long sinceTried = System.nanoTime() - item.triedNanos;
                // A failed renewal is tried again soon; one that landed waits for the next period.
                boolean due = sinceTried >= (item.lastFailed ? Math.min(renewalNanos, 1_000_000_000L) : renewalNanos);
                if (item.lost == null && due && !item.renewing) {
                    item.renewing = true;
                    reporters.execute(() -> {
                        try {
                            renew(item);
                        } finally {
                            item.renewing = false;
                        }
                    });
                }
            }
        } catch (RuntimeException e) {
            Log.errorf(e, "Agent: the lease keeper's round failed; it goes on");
        }
    }

    private void renew(Held item) {
        if (item.lost != null) {
            return; // given up while the renewal waited for a reporter
        }
        long started = System.nanoTime();
        item.triedNanos = started;
        try {
            upstream.report(runnerId, item.itemId, PROGRESS);
            metrics.renewal(true, started - item.renewedNanos);
            item.renewedNanos = started;
            item.lastFailed = false;
        } catch (UpstreamException.Refused refused) {
            metrics.renewal(false, 0);
            lose(item, "the upstream refused its renewal: " + refused.getMessage());
        } catch (RuntimeException e) {
            metrics.renewal(false, 0);
            item.lastFailed = true;
            Log.debugf("Agent: the lease of item %s was not renewed: %s", item.itemId, e.getMessage());
        }
    }

    private void lose(Held item, String why) {
        if (item.lose(why)) {
            metrics.item(AgentMetrics.Outcome.CANCELLED);
            Log.warnf("Agent: item %s is no longer this runner's (%s); its local work is cancelled", item.itemId, why);
        }
    }
}
