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
 * exception per request. A failed transaction fails every request of its batch; none of them changed anything.
 */
final class GroupCommit<T, R> {

    /** What a batch did: one outcome per request (a result, or the RuntimeException to answer), and what to run after commit. */
    record Outcomes<R>(List<Object> outcomes, Runnable afterCommit) {}

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
            commit(taken);
            taken.clear();
        }
    }

    @SuppressWarnings("unchecked")
    private void commit(List<Pending<T, R>> taken) {
        List<T> requests = taken.stream().map(Pending::request).toList();
        Outcomes<R> outcomes;
        try {
            outcomes = db.inTransaction(c -> batch.run(c, requests));
        } catch (RuntimeException e) {
            taken.forEach(pending -> pending.answer().completeExceptionally(e));
            return;
        }
        try {
            outcomes.afterCommit().run();
        } catch (RuntimeException e) {
            Log.errorf(e, "After a committed batch of %d request(s)", taken.size());
        }
        for (int i = 0; i < taken.size(); i++) {
            Object outcome = outcomes.outcomes().get(i);
            if (outcome instanceof RuntimeException refused) {
                taken.get(i).answer().completeExceptionally(refused);
            } else {
                taken.get(i).answer().complete((R) outcome);
            }
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

    void close() {
        committers.shutdownNow();
    }
}
