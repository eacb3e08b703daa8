package dev.runneragent.runner;

import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.runner.ItemStore.Row;
import dev.runneragent.runner.ItemStore.State;
import dev.runneragent.store.Db;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The queue's housekeeping, every {@code runner.hub.sweep-interval} on every replica (the row locks keep replicas
 * from sweeping the same item twice): expired leases go back to the queue, or fail the item after its last
 * attempt; items whose caller's deadline passed long ago are cancelled (their caller's replica may be gone); finished
 * items older than {@code runner.hub.retention} are deleted; the leader refreshes the queue gauges.
 */
@ApplicationScoped
public class HubSweeper {

    /** Items handled per transaction, so that one sweep never holds many locks for long. */
    static final int BATCH = 200;

    /** How long after its deadline an unfinished item is cancelled here, when its caller's own timer did not. */
    static final Duration OVERDUE_GRACE = Duration.ofSeconds(5);

    private final Db db;
    private final ItemStore items;
    private final RunnerQueue queue;
    private final Dispatcher dispatcher;
    private final HubSignals signals;
    private final HubExecutors executors;
    private final HubMetrics metrics;
    private final HubConfig config;
    private final Clock clock;
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private ScheduledFuture<?> schedule;

    @Inject
    public HubSweeper(
            Db db,
            ItemStore items,
            RunnerQueue queue,
            Dispatcher dispatcher,
            HubSignals signals,
            HubExecutors executors,
            HubMetrics metrics,
            HubConfig config,
            Clock clock) {
        this.db = db;
        this.items = items;
        this.queue = queue;
        this.dispatcher = dispatcher;
        this.signals = signals;
        this.executors = executors;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
    }

    void onStart(@Observes StartupEvent event) {
        long every = config.sweepInterval().toMillis();
        schedule = executors
                .timers()
                .scheduleWithFixedDelay(
                        () -> {
                            if (sweeping.compareAndSet(false, true)) {
                                executors.work().execute(this::sweepQuietly);
                            }
                        },
                        every,
                        every,
                        TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            Log.warnf(e, "Runner-item sweep failed; retrying in %s", config.sweepInterval());
        } finally {
            sweeping.set(false);
        }
    }

    /** One sweep; public for tests that drive the clock. */
    public void sweep() {
        Instant now = clock.instant();
        while (expireLeases(now) == BATCH) {
            // another batch
        }
        while (cancelOverdue(now.minus(OVERDUE_GRACE)) == BATCH) {
            // another batch
        }
        db.inTransaction(c -> items.purge(c, now.minus(config.retention())));
        metrics.queue(signals.leader() ? db.read(items::counts) : List.of(), now);
        dispatcher.recheck();
    }

    /** Expired leases: the item goes back to the queue, or fails when that was its last attempt. */
    private int expireLeases(Instant now) {
        RunnerQueue.Finishing failed = new RunnerQueue.Finishing();
        List<Row> requeued = new ArrayList<>();
        List<Arrival> arrivals = new ArrayList<>();
        List<Row> expired = new ArrayList<>();
        db.inTransaction(c -> {
            expired.addAll(items.expiredLeases(c, now, BATCH));
            for (Row row : expired) {
                if (row.attempts() >= config.maxAttempts()) {
                    queue.finish(c, row, State.FAILED, lastAttemptFailed(row), failed);
                } else {
                    items.requeue(c, row.pk(), true);
                    requeued.add(row);
                }
            }
            arrivals.addAll(RunnerQueue.arrivalsOf(requeued));
            for (Arrival arrival : arrivals) {
                signals.publishQueued(c, arrival);
            }
            queue.publish(c, failed);
            return null;
        });
        for (Row row : expired) {
            Log.infof(
                    "Lease of runner item %s (model %s) to runner %s expired after attempt %d of %d",
                    row.id(), row.modelId(), row.leaseOwner(), row.attempts(), config.maxAttempts());
            metrics.leaseExpired(row.modelId());
        }
        arrivals.forEach(queue::wake);
        queue.announce(failed, State.FAILED);
        return expired.size();
    }

    private MultiOutputResponse lastAttemptFailed(Row row) {
        return ItemReports.failure(
                StatusCode.RUNNER_PROCESSING_FAILED,
                "no runner completed the item in " + row.attempts() + " attempt(s) (runner.hub.max-attempts="
                        + config.maxAttempts() + "); the last lease, to runner '" + row.leaseOwner()
                        + "', expired without a result");
    }

    /** Unfinished items whose deadline passed before {@code before}: nobody waits for them any more. */
    private int cancelOverdue(Instant before) {
        RunnerQueue.Finishing cancelled = new RunnerQueue.Finishing();
        int count = db.inTransaction(c -> {
            List<Row> overdue = items.overdue(c, before, BATCH);
            for (Row row : overdue) {
                queue.finish(
                        c,
                        row,
                        State.CANCELLED,
                        ItemReports.failure(
                                StatusCode.RPC_REQUEST_TIMEOUT,
                                Dispatcher.timeoutDetails(row, "before its caller's deadline")),
                        cancelled);
            }
            queue.publish(c, cancelled);
            return overdue.size();
        });
        queue.announce(cancelled, State.CANCELLED);
        return count;
    }
}
