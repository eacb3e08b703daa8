package dev.runneragent.runner;

import dev.runneragent.store.Db;
import io.quarkus.logging.Log;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Group commit: concurrent requests of one kind (runners' results, new items) share a transaction. A few committer
 * threads each take whatever requests queued up while the previous transaction ran, up to {@code maxBatch}, and run
 * them in one transaction, so that a commit (a disk flush, and the database-wide lock of {@code NOTIFY}) is paid once
 * per batch instead of once per request. Each request still gets its own outcome: a batch answers a result or an
 * exception per request. When a batch's transaction fails, each of its requests is tried again in a transaction of
 * its own, so that one request the store refuses fails alone.
 */
final class GroupCommit<T, R> {

    /**
     * What a batch did: one outcome per request (a result, or the RuntimeException to answer), what to run after
     * commit, and what to run instead when the transaction fails to commit.
     */
    record Outcomes<R>(List<Object> outcomes, Runnable afterCommit, Runnable afterRollback) {
        Outcomes(List<Object> outcomes, Runnable afterCommit) {
            this(outcomes, afterCommit, () -> {});
        }
    }

    /** Runs a batch of requests in {@code c}'s transaction. */
    @FunctionalInterface
    interface Batch<T, R> {
        Outcomes<R> run(Connection c, List<T> requests) throws SQLException;
    }

    private record Pending<T, R>(T request, CompletableFuture<R> answer) {}

    private final Db db;
    private final Batch<T, R> batch;
    private final int maxBatch;
    private final BlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();
    private final ExecutorService committers;

    GroupCommit(Db db, String name, int committers, int maxBatch, Batch<T, R> batch) {
        this.db = db;
        this.batch = batch;
        this.maxBatch = maxBatch;
        this.committers = Executors.newFixedThreadPool(committers, HubExecutors.named(name));
        for (int i = 0; i < committers; i++) {
            this.committers.execute(this::commitLoop);
        }
    }

    /** Queues {@code request} for the next batch; the answer completes after its transaction committed. */
    CompletableFuture<R> submit(T request) {
        CompletableFuture<R> answer = new CompletableFuture<>();
        queue.add(new Pending<>(request, answer));
        return answer;
    }

    private void commitLoop() {
        List<Pending<T, R>> taken = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                taken.add(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(taken, maxBatch - 1);
            try {
                commit(taken);
            } catch (Throwable e) { // even an Error must not leave a batch unanswered or stop this loop
                Log.errorf(e, "A batch of %d request(s) failed", taken.size());
                taken.forEach(pending -> pending.answer().completeExceptionally(e));
            }
            taken.clear();
        }
    }

    private void commit(List<Pending<T, R>> taken) {
        List<T> requests = taken.stream().map(Pending::request).toList();
        Outcomes<R> outcomes;
        List<Outcomes<R>> ran = new ArrayList<>(1);
        try {
            outcomes = db.inTransaction(c -> {
                ran.add(batch.run(c, requests));
                return ran.get(0);
            });
        } catch (RuntimeException e) {
            ran.forEach(undone -> undone.afterRollback().run());
            if (taken.size() == 1) {
                taken.get(0).answer().completeExceptionally(e);
                return;
            }
            // One request may have failed the whole batch (a value the store refuses): each alone, so that only
            // that one fails.
            Log.debugf("A batch of %d request(s) failed (%s); committing each alone", taken.size(), e.getMessage());
            for (Pending<T, R> pending : taken) {
                commit(List.of(pending));
            }
            return;
        }
        try {
            outcomes.afterCommit().run();
        } catch (RuntimeException e) {
            Log.errorf(e, "After a committed batch of %d request(s)", taken.size());
        }
        for (int i = 0; i < taken.size(); i++) {
            answer(taken.get(i).answer(), outcomes.outcomes().get(i));
        }
    }

    @SuppressWarnings("unchecked")
    private void answer(CompletableFuture<R> answer, Object outcome) {
        if (outcome instanceof RuntimeException refused) {
            answer.completeExceptionally(refused);
        } else {
            answer.complete((R) outcome);
        }
    }

    /** Waits for {@code answer}; a request's own exception is thrown as it was. */
    static <R> R await(CompletableFuture<R> answer) {
        try {
            return answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Stops the committers; requests still queued are answered with an error. */
    void close() {
        committers.shutdownNow();
        List<Pending<T, R>> left = new ArrayList<>();
        queue.drainTo(left);
        IllegalStateException closed = new IllegalStateException("the hub is shutting down");
        left.forEach(pending -> pending.answer().completeExceptionally(closed));
    }
}
