package dev.runneragent.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.api.StatusCodes;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dynamic batcher against a worker whose behaviour the test controls. */
class BatcherTest {

    private static final long[] ROW = {1};

    /** Answers each row's value times ten; a negative row makes the whole batch fail, like a bad input would. */
    static final class FakeWorker implements Worker {
        final List<Integer> buckets = new CopyOnWriteArrayList<>();
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        final List<Float> values = new CopyOnWriteArrayList<>();
        volatile CountDownLatch gate = new CountDownLatch(0);
        final CountDownLatch started = new CountDownLatch(1);

        @Override
        public String label() {
            return "fake";
        }

        @Override
        public float[][] forward(List<EncodedInput> rows, int bucket, long[] rowShape) throws Exception {
            started.countDown();
            gate.await(10, TimeUnit.SECONDS);
            buckets.add(bucket);
            batchSizes.add(rows.size());
            rows.forEach(row -> values.add(row.floats()[0]));
            float[][] out = new float[rows.size()][];
            for (int i = 0; i < rows.size(); i++) {
                float value = rows.get(i).floats()[0];
                if (value < 0) {
                    throw new IllegalStateException("negative input " + value);
                }
                out[i] = new float[] {value * 10};
            }
            return out;
        }

        final java.util.concurrent.atomic.AtomicInteger closed = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeWorker worker = new FakeWorker();
    private Batcher batcher;

    @AfterEach
    void stop() {
        if (batcher != null) {
            batcher.close();
        }
    }

    @Test
    void bucketsArePowersOfTwoUpToTheMaximum() {
        assertEquals(List.of(1, 2, 4, 8), Batcher.buckets(8));
        assertEquals(List.of(1, 2, 4, 8, 12), Batcher.buckets(12));
        assertEquals(List.of(1), Batcher.buckets(1));
    }

    @Test
    void warmingRunsEveryBucketSizeOnEveryWorkerBeforeAnyInput() throws Exception {
        FakeWorker second = new FakeWorker();
        batcher = new Batcher("fake", spec(8, Duration.ZERO), ROW, List.of(worker, second), 64, metrics());
        int width = batcher.warm(EncodedInput.of(new float[] {0}), 2);
        assertEquals(1, width, "the width of one output row");
        assertEquals(List.of(1, 1, 2, 2, 4, 4, 8, 8), worker.buckets);
        assertEquals(List.of(1, 1, 2, 2, 4, 4, 8, 8), second.buckets);
        assertEquals(0L, registry.find("runner.model.batch.size").summary().count(), "warming is not traffic");
    }

    @Test
    void aLoneInputRunsAtOnceOnItsCallersThread() throws Exception {
        start(8, Duration.ofSeconds(30), 64);
        CompletableFuture<float[]> answer = submit(3);
        assertTrue(answer.isDone(), "answered before submit returned");
        assertEquals(30f, answer.get()[0]);
    }

    @Test
    void inputsQueuedWhileTheDeviceIsBusyRunAsOneBatchPaddedToABucket() throws Exception {
        start(8, Duration.ofSeconds(30), 64);
        CompletableFuture<float[]> first = occupyTheDevice();
        batcher.announce(3); // three callers are encoding: the worker waits for all three
        List<CompletableFuture<float[]>> queued = new ArrayList<>();
        for (int i = 2; i <= 4; i++) {
            queued.add(submitAnnounced(i));
        }
        worker.gate.countDown();
        assertEquals(10f, first.get(5, TimeUnit.SECONDS)[0]);
        for (int i = 0; i < queued.size(); i++) {
            assertEquals((i + 2) * 10f, queued.get(i).get(5, TimeUnit.SECONDS)[0]);
        }
        assertEquals(List.of(1, 3), worker.batchSizes);
        assertEquals(List.of(1, 4), worker.buckets);
        DistributionSummary sizes = registry.find("runner.model.batch.size").summary();
        assertEquals(3.0, sizes.max());
    }

    @Test
    void aFullQueueAnswersModelBusyPleaseRetry() throws Exception {
        start(1, Duration.ZERO, 2);
        CompletableFuture<float[]> running = occupyTheDevice();
        List<CompletableFuture<float[]>> answers = new ArrayList<>();
        for (int i = 2; i <= 5; i++) {
            answers.add(submit(i));
        }
        worker.gate.countDown();
        assertEquals(10f, running.get(5, TimeUnit.SECONDS)[0]);
        int busy = 0;
        for (int i = 0; i < answers.size(); i++) {
            try {
                assertEquals((i + 2) * 10f, answers.get(i).get(5, TimeUnit.SECONDS)[0]);
            } catch (ExecutionException e) {
                assertEquals(StatusCodes.MODEL_BUSY_PLEASE_RETRY, ((RejectedInputException) e.getCause()).codeNumber());
                busy++;
            }
        }
        assertTrue(busy >= 1, "a queue of two (and a worker holding one) refuses the fourth input at the latest");
        assertEquals(60f, submit(6).get(5, TimeUnit.SECONDS)[0], "serving again once the queue drains");
    }

    @Test
    void aRequestsInputsShareOneBatch() throws Exception {
        start(32, Duration.ofMillis(1), 64);
        batcher.announce(16);
        List<EncodedInput> inputs = new ArrayList<>();
        for (int i = 1; i <= 16; i++) {
            inputs.add(EncodedInput.of(new float[] {i}));
        }
        List<CompletableFuture<float[]>> answers = batcher.submitAll(inputs, 16);
        for (int i = 0; i < 16; i++) {
            assertEquals((i + 1) * 10f, answers.get(i).get(5, TimeUnit.SECONDS)[0]);
        }
        assertEquals(List.of(16), worker.batchSizes);
        assertEquals(List.of(16), worker.buckets);
    }

    @Test
    void aClosedBatcherRefusesInputsAndClosesItsWorkerOnceItIsFree() throws Exception {
        start(4, Duration.ofMillis(1), 64);
        CompletableFuture<float[]> running = occupyTheDevice();
        Thread closer = new Thread(batcher::close);
        closer.start();
        while (closer.getState() != Thread.State.TIMED_WAITING && closer.isAlive()) {
            Thread.onSpinWait(); // close() waits for the device the running input holds
        }
        ExecutionException refused =
                assertThrows(ExecutionException.class, () -> submit(2).get(5, TimeUnit.SECONDS));
        assertEquals(StatusCode.RPC_SERVER_UNAVAILABLE, ((RejectedInputException) refused.getCause()).code());
        assertEquals(0, worker.closed.get(), "not closed under a running forward pass");
        worker.gate.countDown();
        assertEquals(10f, running.get(5, TimeUnit.SECONDS)[0]);
        closer.join(5_000);
        assertEquals(1, worker.closed.get());
        batcher = null;
    }

    @Test
    void oneBadInputFailsOnlyItself() throws Exception {
        start(8, Duration.ofSeconds(30), 64);
        CompletableFuture<float[]> first = occupyTheDevice();
        batcher.announce(3);
        CompletableFuture<float[]> good = submitAnnounced(2);
        CompletableFuture<float[]> bad = submitAnnounced(-1);
        CompletableFuture<float[]> alsoGood = submitAnnounced(3);
        worker.gate.countDown();
        assertEquals(10f, first.get(5, TimeUnit.SECONDS)[0]);
        assertEquals(20f, good.get(5, TimeUnit.SECONDS)[0]);
        assertEquals(30f, alsoGood.get(5, TimeUnit.SECONDS)[0]);
        ExecutionException failure = assertThrows(ExecutionException.class, () -> bad.get(5, TimeUnit.SECONDS));
        RejectedInputException rejected = (RejectedInputException) failure.getCause();
        assertEquals(StatusCode.MODEL_PREDICTION_FAILED, rejected.code());
        assertTrue(rejected.getMessage().contains("negative input -1.0"), rejected.getMessage());
        assertEquals(List.of(1, 3, 1, 1, 1), worker.batchSizes, "the failed batch is run again input by input");
    }

    @Test
    void anInputItsCallerGaveUpOnIsNotRun() throws Exception {
        start(8, Duration.ofMillis(1), 64);
        CompletableFuture<float[]> first = occupyTheDevice();
        submit(2).cancel(false);
        CompletableFuture<float[]> kept = submit(3);
        worker.gate.countDown();
        first.get(5, TimeUnit.SECONDS);
        assertEquals(30f, kept.get(5, TimeUnit.SECONDS)[0]);
        assertEquals(List.of(1f, 3f), worker.values);
    }

    /** Submits input 1 from another thread; it runs there and holds the device until the test opens the gate. */
    private CompletableFuture<float[]> occupyTheDevice() throws InterruptedException {
        worker.gate = new CountDownLatch(1);
        CompletableFuture<float[]> answer = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            submit(1).whenComplete((value, error) -> {
                if (error != null) {
                    answer.completeExceptionally(error);
                } else {
                    answer.complete(value);
                }
            });
        });
        caller.start();
        assertTrue(worker.started.await(5, TimeUnit.SECONDS), "the first input reached the device");
        return answer;
    }

    private void start(int maxBatch, Duration delay, int capacity) {
        batcher = new Batcher("fake", spec(maxBatch, delay), ROW, List.of(worker), capacity, metrics());
        batcher.start();
    }

    private ExecutionMetrics metrics() {
        return new ExecutionMetrics(registry);
    }

    private static ModelSpec spec(int maxBatch, Duration delay) {
        return new ModelSpec(
                ModelSpec.InputKind.IMAGE,
                ModelSpec.OutputKind.EMBEDDINGS,
                "model.pt",
                1,
                1,
                new float[3],
                new float[] {1, 1, 1},
                "",
                0,
                false,
                0,
                ModelSpec.Activation.NONE,
                List.of(),
                maxBatch,
                delay,
                Requirements.NONE);
    }

    private CompletableFuture<float[]> submit(float value) {
        batcher.announce(1);
        return batcher.submitAll(List.of(EncodedInput.of(new float[] {value})), 1)
                .get(0);
    }

    /** Submits inputs whose announcement was made earlier. */
    private CompletableFuture<float[]> submitAnnounced(float value) {
        return batcher.submitAll(List.of(EncodedInput.of(new float[] {value})), 1)
                .get(0);
    }
}
