package dev.runneragent.runner;

import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.MultiRunnerItemOutputResponse;
import com.clarifai.grpc.api.PostRunnerItemOutputsRequest;
import com.clarifai.grpc.api.RunnerItemOutput;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.api.ApiException;
import dev.runneragent.api.ResourceKind;
import dev.runneragent.api.StatusCodes;
import dev.runneragent.runner.ItemStore.Row;
import dev.runneragent.runner.ItemStore.State;
import dev.runneragent.store.Db;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What runners report about their items ({@code PostRunnerItemOutputs}): a result that completes the item (the
 * first one wins; the same runner repeating it changes nothing), a progress status that renews the lease, or
 * {@code RUNNER_NEEDS_RETRY}, which hands the item back unstarted. A runner that no longer holds the item is told
 * {@code RUNNER_ITEM_CANCELLED}, and its result is not used.
 */
@ApplicationScoped
public class ItemReports {

    private static final ResourceKind KIND = ResourceKind.RUNNER;

    private final Db db;
    private final ItemStore items;
    private final RunnerQueue queue;
    private final HubSignals signals;
    private final HubConfig config;
    private final Clock clock;
    private final GroupCommit<Completion, MultiOutputResponse> completions;

    /** A runner's result for an item, waiting for its batch. */
    private record Completion(RunnerProfile runner, String itemId, MultiOutputResponse response) {}

    @Inject
    public ItemReports(Db db, ItemStore items, RunnerQueue queue, HubSignals signals, HubConfig config, Clock clock) {
        this.db = db;
        this.items = items;
        this.queue = queue;
        this.signals = signals;
        this.config = config;
        this.clock = clock;
        this.completions = new GroupCommit<>(db, "hub-results", 2, 256, this::completeAll);
    }

    @PreDestroy
    void close() {
        completions.close();
    }

    public MultiRunnerItemOutputResponse report(RunnerProfile runner, PostRunnerItemOutputsRequest request) {
        return GroupCommit.await(reportAsync(runner, request));
    }

    /**
     * {@link #report}, answered when the report's transaction (which a result shares with others) committed; a
     * malformed report throws at once.
     */
    public CompletableFuture<MultiRunnerItemOutputResponse> reportAsync(
            RunnerProfile runner, PostRunnerItemOutputsRequest request) {
        String itemId = request.getRunnerItemId();
        if (itemId.isEmpty()) {
            throw KIND.invalid("runnerItemId is required");
        }
        if (request.getRunnerItemOutputsCount() > 1) {
            throw KIND.invalid("send one runnerItemOutput per report, got " + request.getRunnerItemOutputsCount()
                    + " (streamed outputs are not supported)");
        }
        if (request.getRunnerItemOutputsCount() == 1) {
            return complete(runner, itemId, request.getRunnerItemOutputs(0));
        }
        return CompletableFuture.completedFuture(statusReport(runner, itemId, request));
    }

    private MultiRunnerItemOutputResponse statusReport(
            RunnerProfile runner, String itemId, PostRunnerItemOutputsRequest request) {
        if (!request.hasStatus()) {
            throw KIND.invalid("send runnerItemOutputs to complete the item, or a status to report progress");
        }
        StatusCode code = request.getStatus().getCode();
        if (code == StatusCode.RUNNER_NEEDS_RETRY) {
            return handBack(runner, itemId);
        }
        if (code == StatusCode.ZERO || code == StatusCode.SUCCESS) {
            return progress(runner, itemId, request.getStatus());
        }
        throw KIND.invalid("a status without outputs is a progress report (SUCCESS, with percentCompleted or"
                + " timeRemaining) or a hand-back (RUNNER_NEEDS_RETRY), got " + code
                + "; to fail the item, send a multiOutputResponse with that status");
    }

    private CompletableFuture<MultiRunnerItemOutputResponse> complete(
            RunnerProfile runner, String itemId, RunnerItemOutput output) {
        if (!output.hasMultiOutputResponse()) {
            throw KIND.invalid("runnerItemOutputs[0].multiOutputResponse is required");
        }
        return completions
                .submit(new Completion(runner, itemId, output.getMultiOutputResponse()))
                .thenApply(kept -> MultiRunnerItemOutputResponse.newBuilder()
                        .addRunnerItemOutputs(RunnerItemOutput.newBuilder().setMultiOutputResponse(kept))
                        .build());
    }

    /**
     * Completes a batch of results in one transaction: each is judged as if alone, in order, against the items as
     * the earlier results of the batch left them (a second result for one item is a repeat). Answers the response
     * that stands for each, or the refusal.
     */
    private GroupCommit.Outcomes<MultiOutputResponse> completeAll(Connection c, List<Completion> batch)
            throws SQLException {
        Map<String, Row> rows = items.lockAll(
                c, batch.stream().map(Completion::itemId).distinct().toList());
        Map<Long, MultiOutputResponse> updates = new LinkedHashMap<>();
        RunnerQueue.Finishing done = new RunnerQueue.Finishing();
        List<Object> outcomes = new ArrayList<>();
        for (Completion completion : batch) {
            RunnerProfile runner = completion.runner();
            try {
                Row row = rows.get(completion.itemId());
                if (row == null || !row.userId().equals(runner.userId())) {
                    throw KIND.notFound("runner item '" + completion.itemId() + "' does not exist");
                }
                if (row.state() == State.DONE && runner.id().equals(row.leaseOwner())) {
                    outcomes.add(row.response()); // a repeat: the first completion stands
                    continue;
                }
                requireHeld(row, runner);
                checkOutputs(row, completion.response());
                rows.put(row.id(), row.finished(State.DONE, completion.response()));
                updates.put(row.pk(), completion.response());
                queue.finished(row, completion.response(), done);
                outcomes.add(completion.response());
            } catch (ApiException refused) {
                outcomes.add(refused);
            }
        }
        items.finishAll(c, updates, State.DONE, clock.instant());
        queue.publish(c, done);
        return new GroupCommit.Outcomes<>(outcomes, () -> queue.announce(done, State.DONE));
    }

    private MultiRunnerItemOutputResponse progress(RunnerProfile runner, String itemId, Status status) {
        Instant until = clock.instant().plus(config.lease());
        db.inTransaction(c -> {
            Row row = lockOwn(c, runner, itemId);
            requireHeld(row, runner);
            items.renew(c, row.pk(), until, status);
            return null;
        });
        return answer("lease of item '" + itemId + "' renewed until " + until);
    }

    private MultiRunnerItemOutputResponse handBack(RunnerProfile runner, String itemId) {
        Arrival arrival = db.inTransaction(c -> {
            Row row = lockOwn(c, runner, itemId);
            requireHeld(row, runner);
            items.requeue(c, row.pk(), false);
            Arrival back = Arrival.of(row);
            signals.publishQueued(c, back);
            return back;
        });
        queue.wake(arrival);
        return answer("item '" + itemId + "' is back in the queue; this attempt does not count");
    }

    private Row lockOwn(Connection c, RunnerProfile runner, String itemId) throws SQLException {
        return items.lock(c, itemId)
                .filter(row -> row.userId().equals(runner.userId()))
                .orElseThrow(() -> KIND.notFound("runner item '" + itemId + "' does not exist"));
    }

    private static void requireHeld(Row row, RunnerProfile runner) {
        if (row.state() == State.LEASED && runner.id().equals(row.leaseOwner())) {
            return;
        }
        String item = "item '" + row.id() + "'";
        throw new ItemCancelledException(
                switch (row.state()) {
                    case DONE -> item + " was completed by another runner; this report is not used";
                    case FAILED -> item + " failed after " + row.attempts() + " attempt(s); this report is not used";
                    case CANCELLED ->
                        item + " was cancelled"
                                + (row.response() == null
                                        ? ""
                                        : ": " + row.response().getStatus().getDetails());
                    case PENDING ->
                        "runner '" + runner.id() + "' no longer holds " + item
                                + ": its lease expired and it waits for a runner";
                    case LEASED ->
                        "runner '" + runner.id() + "' no longer holds " + item
                                + ": its lease expired and another runner holds it";
                });
    }

    /** One output per input, in order; or none at all when the whole item failed. */
    private static void checkOutputs(Row row, MultiOutputResponse response) {
        int outputs = response.getOutputsCount();
        if (outputs == row.inputCount()) {
            return;
        }
        if (outputs == 0
                && !List.of(StatusCode.ZERO, StatusCode.SUCCESS, StatusCode.MIXED_STATUS)
                        .contains(response.getStatus().getCode())) {
            return;
        }
        throw KIND.invalid("multiOutputResponse has " + outputs + " output(s) but item '" + row.id() + "' has "
                + row.inputCount() + " input(s): send one output per input, in order (or no outputs and a"
                + " failure status)");
    }

    private static MultiRunnerItemOutputResponse answer(String details) {
        return MultiRunnerItemOutputResponse.newBuilder()
                .setStatus(Status.newBuilder().setCode(StatusCode.SUCCESS).setDetails(details))
                .build();
    }

    /** A response that fails a whole item with {@code code}. */
    static MultiOutputResponse failure(StatusCode code, String details) {
        return MultiOutputResponse.newBuilder()
                .setStatus(Status.newBuilder()
                        .setCode(code)
                        .setDescription(StatusCodes.description(code))
                        .setDetails(details))
                .build();
    }
}
