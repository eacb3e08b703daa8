package dev.runneragent.runner;

import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.runner.ItemStore.NewItem;
import dev.runneragent.runner.ItemStore.Row;
import dev.runneragent.runner.ItemStore.State;
import dev.runneragent.runner.ItemStore.Target;
import dev.runneragent.store.Db;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends model predictions to runners and waits for their results: {@link #submit} queues one runner item and
 * answers a future that completes with the item's final {@code MultiOutputResponse}: the runner's outputs,
 * {@code RUNNER_PROCESSING_FAILED} after its last attempt, or {@code RPC_REQUEST_TIMEOUT} when the deadline passes
 * first. Cancelling the future (a caller that went away) cancels the item, and a runner still working on it is told
 * so at its next report.
 *
 * <p>The result may arrive on any hub replica. Items finished here complete their callers directly; items finished
 * elsewhere are announced by {@link HubSignals}, and {@link #recheck} finds results whose announcement was lost.
 */
@ApplicationScoped
public class Dispatcher {

    /** How long a caller waits before the sweeper looks in the store for a result it may not have heard of. */
    static final Duration RECHECK_AFTER = Duration.ofSeconds(2);

    private record Waiting(CompletableFuture<MultiOutputResponse> future, Instant since) {}

    private final Db db;
    private final ItemStore items;
    private final RunnerQueue queue;
    private final HubExecutors executors;
    private final HubConfig config;
    private final Clock clock;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

    @Inject
    public Dispatcher(
            Db db,
            ItemStore items,
            RunnerQueue queue,
            HubSignals signals,
            HubExecutors executors,
            HubConfig config,
            Clock clock) {
        this.db = db;
        this.items = items;
        this.queue = queue;
        this.executors = executors;
        this.config = config;
        this.clock = clock;
        queue.onFinished(this::complete);
        signals.subscribe(new HubSignals.Subscriber() {
            @Override
            public void finishedElsewhere(List<String> itemIds) {
                List<String> ours =
                        itemIds.stream().filter(waiting::containsKey).toList();
                if (!ours.isEmpty()) {
                    executors.work().execute(() -> load(ours));
                }
            }

            @Override
            public void resync() {
                executors.work().execute(() -> load(List.copyOf(waiting.keySet())));
            }
        });
    }

    /**
     * Queues {@code request} for {@code userId}'s runners that {@code target} and {@code need} allow, and answers
     * its result within {@code timeout} ({@code runner.hub.dispatch-timeout} when null). Returns once the item is
     * queued; a store that fails to queue it throws.
     */
    public CompletableFuture<MultiOutputResponse> submit(
            String userId, PostModelOutputsRequest request, Target target, Resources need, Duration timeout) {
        Submission submission = enqueue(userId, request, target, need, timeout);
        GroupCommit.await(submission.queued());
        return submission.answer();
    }

    /**
     * Queues {@code request} like {@link #submit} without waiting for the store: a failure to queue completes the
     * answer exceptionally.
     */
    public CompletableFuture<MultiOutputResponse> submitAsync(
            String userId, PostModelOutputsRequest request, Target target, Resources need, Duration timeout) {
        return enqueue(userId, request, target, need, timeout).answer();
    }

    /** A queued item: {@code queued} completes when it is in the store, {@code answer} with its result. */
    private record Submission(CompletableFuture<Void> queued, CompletableFuture<MultiOutputResponse> answer) {}

    private Submission enqueue(
            String userId, PostModelOutputsRequest request, Target target, Resources need, Duration timeout) {
        Duration wait = timeout == null ? config.dispatchTimeout() : timeout;
        String id = UUID.randomUUID().toString().replace("-", "");
        Instant now = clock.instant();
        CompletableFuture<MultiOutputResponse> future = new CompletableFuture<>();
        waiting.put(id, new Waiting(future, now));
        // The item's transaction may be shared with other callers' items (group commit).
        CompletableFuture<Void> queued =
                queue.submitAsync(List.of(new NewItem(id, userId, request, target, need, now.plus(wait))));
        queued.whenComplete((done, error) -> {
            if (error != null) {
                future.completeExceptionally(error); // nothing was queued; the caller's future says so
            }
        });
        ScheduledFuture<?> timer = executors
                .timers()
                .schedule(
                        () -> executors.work().execute(() -> timedOut(id, wait)), wait.toNanos(), TimeUnit.NANOSECONDS);
        future.whenComplete((response, error) -> {
            waiting.remove(id);
            timer.cancel(false);
            if (future.isCancelled()) {
                // Once the item is stored (at once if it is): a caller may give up before its item is.
                queued.whenComplete((stored, failure) -> executors.work().execute(() -> gaveUp(id)));
            }
        });
        return new Submission(queued, future);
    }

    private void complete(String itemId, MultiOutputResponse response) {
        Waiting caller = waiting.get(itemId);
        if (caller != null) {
            caller.future().complete(response);
        }
    }

    private void timedOut(String itemId, Duration wait) {
        if (!waiting.containsKey(itemId)) {
            return;
        }
        try {
            complete(
                    itemId,
                    queue.cancel(
                            itemId,
                            row -> ItemReports.failure(
                                    StatusCode.RPC_REQUEST_TIMEOUT,
                                    timeoutDetails(row, "within " + wait.toMillis() + " ms"))));
        } catch (RuntimeException e) {
            Log.warnf(e, "Could not cancel runner item %s at its deadline; the sweeper will", itemId);
            complete(
                    itemId,
                    ItemReports.failure(
                            StatusCode.RPC_REQUEST_TIMEOUT, timeoutDetails(null, "within " + wait.toMillis() + " ms")));
        }
    }

    /** Why an item timed out, as far as {@code row} (null: unknown) tells; {@code when} as "within 5000 ms". */
    static String timeoutDetails(Row row, String when) {
        String within = " " + when;
        if (row != null && row.state() == State.LEASED) {
            return "runner '" + row.leaseOwner() + "' leased the item (attempt " + row.attempts()
                    + ") but did not complete it" + within;
        }
        if (row != null && row.attempts() > 0) {
            return "no runner completed the item" + within + " (" + row.attempts() + " attempt(s), the last lease"
                    + " expired)";
        }
        return "no runner took the item" + within + "; check that a runner serving the model polls this hub";
    }

    private void gaveUp(String itemId) {
        try {
            queue.cancel(itemId, row -> ItemReports.failure(StatusCode.RPC_CANCELED, "the caller gave up"));
        } catch (RuntimeException e) {
            Log.warnf(e, "Could not cancel runner item %s of a caller that gave up; the sweeper will", itemId);
        }
    }

    /** Completes the callers among {@code itemIds} whose items finished, reading the results from the store. */
    private void load(List<String> itemIds) {
        for (int from = 0; from < itemIds.size(); from += 500) {
            List<String> chunk = itemIds.subList(from, Math.min(itemIds.size(), from + 500));
            try {
                db.read(c -> items.finishedAmong(c, chunk)).forEach(this::complete);
            } catch (RuntimeException e) {
                Log.warnf(e, "Could not read %d finished runner item(s); the sweeper retries", chunk.size());
            }
        }
    }

    /**
     * Looks in the store for the results of callers that have waited longer than {@link #RECHECK_AFTER}, in case
     * the announcement from another replica was lost. Called by the sweeper.
     */
    void recheck() {
        Instant before = clock.instant().minus(RECHECK_AFTER);
        List<String> old = new ArrayList<>();
        waiting.forEach((id, caller) -> {
            if (caller.since().isBefore(before)) {
                old.add(id);
            }
        });
        if (!old.isEmpty()) {
            load(old);
        }
    }
}
