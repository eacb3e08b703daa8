package dev.runneragent.runner;

import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.runner.ItemStore.Leased;
import dev.runneragent.runner.ItemStore.NewItem;
import dev.runneragent.runner.ItemStore.Row;
import dev.runneragent.runner.ItemStore.State;
import dev.runneragent.runner.Waiters.Waiter;
import dev.runneragent.store.Db;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The runner-item queue: items go in ({@link #submit}), long polls lease them ({@link #poll}), and items leave as
 * done, failed or cancelled. Waiting polls and callers hear of a change only after its transaction commits: here
 * directly, on the other replicas through {@link HubSignals}. Reports from runners are {@link ItemReports}.
 */
@Startup // its gauges (runner_hub_leader among them) are exported from the start, not from the first use
@ApplicationScoped
public class RunnerQueue {

    private static final Duration TOUCH_SLACK = Duration.ofSeconds(1);

    private final Db db;
    private final ItemStore items;
    private final RunnerStore runners;
    private final HubSignals signals;
    private final HubExecutors executors;
    private final HubMetrics metrics;
    private final HubConfig config;
    private final Clock clock;
    private final Waiters waiters = new Waiters();
    private final Map<String, Instant> touched = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, MultiOutputResponse>> finishListeners = new ArrayList<>();
    private final GroupCommit<List<NewItem>, Void> submissions;

    /**
     * Items that finish in one transaction: their responses (for this replica's listeners, after commit) and the
     * ids of those whose callers wait on another replica (to notify, within the transaction).
     */
    static final class Finishing {
        final Map<String, MultiOutputResponse> responses = new LinkedHashMap<>();
        final List<String> elsewhere = new ArrayList<>();
    }

    @Inject
    public RunnerQueue(
            Db db,
            ItemStore items,
            RunnerStore runners,
            HubSignals signals,
            HubExecutors executors,
            HubMetrics metrics,
            HubConfig config,
            Clock clock) {
        this.db = db;
        this.items = items;
        this.runners = runners;
        this.signals = signals;
        this.executors = executors;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
        // On H2 a hand-off locks the waiting runners' rows (FOR UPDATE) in the queuing transaction: two such
        // transactions at once could take two runners in opposite order, so H2 gets one committer. PostgreSQL's
        // FOR KEY SHARE locks do not block each other.
        int committers = db.dialect() == Db.Dialect.POSTGRESQL ? 2 : 1;
        this.submissions = new GroupCommit<>(db, "hub-submit", committers, 128, this::insertAll);
        metrics.gauges(signals::leader, waiters::size);
        signals.subscribe(new HubSignals.Subscriber() {
            @Override
            public void queuedElsewhere(Arrival arrival) {
                wake(arrival);
            }

            @Override
            public void resync() {
                waiters.wakeAll().forEach(w -> executors.work().execute(() -> attempt(w)));
            }
        });
    }

    /** Calls {@code listener} with each item that finishes on this replica, after its transaction committed. */
    public void onFinished(BiConsumer<String, MultiOutputResponse> listener) {
        finishListeners.add(listener);
    }

    /** Queues {@code newItems} in one transaction and wakes the polls they may suit; returns once committed. */
    public void submit(List<NewItem> newItems) {
        GroupCommit.await(submitAsync(newItems));
    }

    /**
     * Queues {@code newItems} together, in a transaction they may share with other submissions (group commit); the
     * answer completes once they are committed and the polls they suit were woken.
     */
    public CompletableFuture<Void> submitAsync(List<NewItem> newItems) {
        return submissions.submit(newItems);
    }

    private GroupCommit.Outcomes<Void> insertAll(Connection c, List<List<NewItem>> batch) throws SQLException {
        List<NewItem> newItems = batch.stream().flatMap(List::stream).toList();
        List<Arrival> arrivals =
                Arrival.merged(newItems.stream().map(Arrival::of).toList());
        relaxCommit(c);
        Instant now = clock.instant();
        items.insert(c, newItems, now, signals.replica());
        List<Handoff> handoffs = new ArrayList<>();
        try {
            List<Arrival> left = handOff(c, arrivals, now, handoffs);
            for (Arrival arrival : left) {
                signals.publishQueued(c, arrival);
            }
            return new GroupCommit.Outcomes<>(
                    Collections.nCopies(batch.size(), null),
                    () -> {
                        metrics.submitted(newItems.size());
                        handoffs.forEach(this::deliver);
                        left.forEach(this::wake);
                    },
                    () -> retry(handoffs));
        } catch (SQLException | RuntimeException e) {
            retry(handoffs);
            throw e;
        }
    }

    /** Items leased to a waiting poll in the transaction that queued them, to answer once it committed. */
    private record Handoff(Waiter waiter, List<Leased> leased) {}

    /**
     * Leases new items to the polls that wait for them within the transaction that queues them, so that a waiting
     * poll's answer costs no transaction (no commit) of its own; answers the arrivals left for the other polls, on
     * this replica and the others.
     */
    private List<Arrival> handOff(Connection c, List<Arrival> arrivals, Instant now, List<Handoff> handoffs)
            throws SQLException {
        List<Arrival> left = new ArrayList<>();
        for (Arrival arrival : arrivals) {
            int remaining = arrival.count();
            List<Waiter> next;
            while (remaining > 0 && !(next = waiters.wake(arrival.withCount(1))).isEmpty()) {
                Waiter waiter = next.get(0);
                List<Leased> leased = waiter.answer().isDone()
                        ? List.of()
                        : items.lease(c, waiter.runner(), waiter.capacity(), now, now.plus(config.lease()));
                handoffs.add(new Handoff(waiter, leased));
                if (leased.isEmpty()) {
                    break; // the items do not suit it after all: after commit, polls are woken as before
                }
                remaining -= leased.size(); // a lease may take older items too: then fewer of these are left
            }
            if (remaining > 0) {
                left.add(arrival.withCount(remaining));
            }
        }
        return left;
    }

    /** After commit: answers a poll with what it was handed; one that was handed nothing tries again. */
    private void deliver(Handoff handoff) {
        Waiter waiter = handoff.waiter();
        if (handoff.leased().isEmpty()) {
            executors.work().execute(() -> attempt(waiter));
            return;
        }
        Instant now = clock.instant();
        handoff.leased().forEach(item -> metrics.queueWait(Duration.between(item.createdAt(), now)));
        if (!waiter.answer().complete(handoff.leased())) {
            handBack(waiter.runner(), handoff.leased()); // the poll ended (its deadline, a hang-up) meanwhile
        }
    }

    /** The transaction that would have handed items to these polls did not commit: each tries again on its own. */
    private void retry(List<Handoff> handoffs) {
        handoffs.forEach(handoff -> executors.work().execute(() -> attempt(handoff.waiter())));
    }

    /**
     * A long poll: leases up to the runner's capacity of items it can serve, at once when there are some, else as
     * soon as some arrive; answers an empty list at the end of {@code runner.hub.long-poll}.
     */
    public CompletableFuture<List<Leased>> poll(RunnerProfile runner) {
        Instant start = clock.instant();
        long started = System.nanoTime();
        touch(runner, start);
        int capacity = Math.max(1, Math.min(runner.capacity(), config.maxCapacity()));
        Waiter waiter = new Waiter(
                waiters.nextNumber(), runner, capacity, start.plus(config.longPoll()), new CompletableFuture<>());
        attempt(waiter);
        if (!waiter.answer().isDone()) {
            ScheduledFuture<?> timer = executors
                    .timers()
                    .schedule(() -> expire(waiter), config.longPoll().toNanos(), TimeUnit.NANOSECONDS);
            waiter.answer().whenComplete((leased, error) -> {
                timer.cancel(false);
                waiters.remove(waiter); // answered by a wake-up, its deadline, or cancelled by a runner that hung up
            });
        }
        waiter.answer()
                .whenComplete((leased, error) -> metrics.pollAnswered(
                        Duration.ofNanos(System.nanoTime() - started), leased != null && !leased.isEmpty()));
        return waiter.answer();
    }

    private void attempt(Waiter waiter) {
        if (waiter.answer().isDone()) {
            return;
        }
        RunnerProfile runner = waiter.runner();
        long generation = waiters.generation(runner.userId());
        List<Leased> leased;
        try {
            Instant now = clock.instant();
            leased = db.inTransaction(c -> {
                relaxCommit(c);
                return items.lease(c, runner, waiter.capacity(), now, now.plus(config.lease()));
            });
        } catch (RuntimeException e) {
            waiter.answer().completeExceptionally(e);
            return;
        }
        if (!leased.isEmpty()) {
            Instant now = clock.instant();
            leased.forEach(item -> metrics.queueWait(Duration.between(item.createdAt(), now)));
            if (!waiter.answer().complete(leased)) {
                handBack(runner, leased); // the poll ended while this attempt leased
            } else if (leased.size() == waiter.capacity()) {
                // A full lease may have left items behind: let one more waiting poll look.
                wake(Arrival.anyOf(
                        runner.userId(), leased.get(leased.size() - 1).modelId(), 1));
            }
            return;
        }
        waiters.add(waiter);
        if (waiter.answer().isDone()) {
            waiters.remove(waiter);
        } else if (waiters.generation(runner.userId()) != generation && waiters.remove(waiter)) {
            executors.work().execute(() -> attempt(waiter)); // woken between the attempt and joining
        }
    }

    private void expire(Waiter waiter) {
        waiters.remove(waiter);
        waiter.answer().complete(List.of());
    }

    /**
     * On PostgreSQL, lets a lease or a submission commit without waiting for its disk flush. Neither is an answer
     * anybody relies on after a database crash: a lost lease leaves the item pending, and another lease hands it out
     * (its first runner is told {@code RUNNER_ITEM_CANCELLED} when it reports); a lost submission was never answered,
     * and its caller, who is still waiting, gets {@code RPC_REQUEST_TIMEOUT}. A runner's result keeps the full
     * guarantee, since the runner drops it once answered.
     */
    private void relaxCommit(Connection c) throws SQLException {
        if (db.dialect() == Db.Dialect.POSTGRESQL) {
            try (Statement set = c.createStatement()) {
                set.execute("SET LOCAL synchronous_commit TO OFF");
            }
        }
    }

    /** Items arrived: give as many waiting polls as they suit (and no more than there are items) a try. */
    void wake(Arrival arrival) {
        for (Waiter waiter : waiters.wake(arrival)) {
            executors.work().execute(() -> attempt(waiter));
        }
    }

    private void touch(RunnerProfile runner, Instant now) {
        String key = runner.userId() + "/" + runner.id();
        Instant last = touched.get(key);
        if (last == null || last.isBefore(now.minus(TOUCH_SLACK))) {
            touched.put(key, now);
            runners.touch(runner.userId(), runner.id(), now, now.minus(TOUCH_SLACK));
        }
    }

    /** Returns items a poll leased but could not deliver; the attempt is not charged. */
    void handBack(RunnerProfile runner, List<Leased> leased) {
        List<Arrival> arrivals = new ArrayList<>();
        try {
            db.inTransaction(c -> {
                List<Row> requeued = new ArrayList<>();
                for (Row row : items.lockAll(c, leased.stream().map(Leased::id).toList())
                        .values()) {
                    if (row.state() == State.LEASED && runner.id().equals(row.leaseOwner())) {
                        items.requeue(c, row.pk(), false);
                        requeued.add(row);
                    }
                }
                arrivals.addAll(arrivalsOf(requeued));
                for (Arrival arrival : arrivals) {
                    signals.publishQueued(c, arrival);
                }
                return null;
            });
            arrivals.forEach(this::wake);
        } catch (RuntimeException e) {
            Log.warnf(e, "Could not hand back %d item(s) of a finished poll; their leases will expire", leased.size());
        }
    }

    /**
     * Moves {@code row} (locked in {@code c}) to a finished state. The caller commits, then calls
     * {@link #announce}.
     */
    void finish(Connection c, Row row, State state, MultiOutputResponse response, Finishing finishing)
            throws SQLException {
        items.finishAll(c, Map.of(row.pk(), response), state, clock.instant());
        finished(row, response, finishing);
    }

    /** Records that {@code row} finished with {@code response} (its store update is the caller's). */
    void finished(Row row, MultiOutputResponse response, Finishing finishing) {
        finishing.responses.put(row.id(), response);
        if (!signals.replica().equals(row.origin())) {
            finishing.elsewhere.add(row.id());
        }
    }

    /** Within the transaction: tells the replicas whose callers wait for these items that they finished. */
    void publish(Connection c, Finishing finishing) throws SQLException {
        signals.publishFinished(c, finishing.elsewhere);
    }

    /** After commit: tells this replica's listeners (and metrics) about items that finished. */
    void announce(Finishing finishing, State state) {
        if (finishing.responses.isEmpty()) {
            return;
        }
        metrics.finished(state, finishing.responses.size());
        finishing.responses.forEach((id, response) -> finishListeners.forEach(l -> l.accept(id, response)));
    }

    @PreDestroy
    void close() {
        submissions.close();
    }

    /**
     * Cancels the item unless it already finished, and answers its final response: {@code reason(row)} when this
     * call cancelled it, else the response it finished with.
     */
    public MultiOutputResponse cancel(String itemId, Function<Row, MultiOutputResponse> reason) {
        Finishing done = new Finishing();
        MultiOutputResponse answer = db.inTransaction(c -> {
            Row row = items.lock(c, itemId).orElse(null);
            if (row == null) {
                return reason.apply(null);
            }
            if (row.state().finished()) {
                return row.response() == null ? reason.apply(row) : row.response();
            }
            MultiOutputResponse cancelled = reason.apply(row);
            finish(c, row, State.CANCELLED, cancelled, done);
            publish(c, done);
            return cancelled;
        });
        announce(done, State.CANCELLED);
        return answer;
    }

    /** Arrivals of items back in the queue: one per kind of item, counting its items. */
    static List<Arrival> arrivalsOf(List<Row> rows) {
        return Arrival.merged(rows.stream().map(Arrival::of).toList());
    }

    /** What deleting runners did to the queue, for {@link #runnersDeleted} after the transaction commits. */
    static final class Release {
        final Finishing failed = new Finishing();
        final List<Arrival> arrivals = new ArrayList<>();
    }

    /**
     * Within the transaction that deletes runner {@code runnerId}: the items it holds go back to the queue (their
     * attempt not charged), and items addressed to it alone fail with {@code RUNNER_DOES_NOT_EXIST}. A poll of the
     * runner that is leasing holds the runner's row, so the delete waits for its lease, and then releases it too.
     */
    void releaseItemsOf(Connection c, String userId, String runnerId, Release release) throws SQLException {
        List<Row> requeued = new ArrayList<>();
        for (Row row : items.ofRunner(c, userId, runnerId)) {
            boolean addressed = runnerId.equals(row.target().runnerId());
            if (row.state() == State.LEASED && runnerId.equals(row.leaseOwner()) && !addressed) {
                items.requeue(c, row.pk(), false);
                requeued.add(row);
            } else if (addressed) {
                MultiOutputResponse gone = ItemReports.failure(
                        StatusCode.RUNNER_DOES_NOT_EXIST,
                        "runner '" + runnerId + "', which this item was addressed to, was deleted");
                finish(c, row, State.FAILED, gone, release.failed);
            }
        }
        List<Arrival> arrivals = arrivalsOf(requeued);
        for (Arrival arrival : arrivals) {
            signals.publishQueued(c, arrival);
        }
        release.arrivals.addAll(arrivals);
    }

    /** After the delete committed: wakes polls for the released items, answers callers, ends the runners' polls. */
    void runnersDeleted(String userId, Collection<String> runnerIds, Release release) {
        release.arrivals.forEach(this::wake);
        announce(release.failed, State.FAILED);
        for (Waiter waiter : waiters.removeRunners(userId, runnerIds)) {
            waiter.answer().complete(List.of());
        }
        runnerIds.forEach(id -> touched.remove(userId + "/" + id));
    }
}
