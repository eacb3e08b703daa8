package dev.runneragent.execution;

import com.clarifai.grpc.api.status.StatusCode;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The dynamic batcher of one model: a bounded queue of encoded inputs that the model's workers (one per device)
 * take from in batches.
 *
 * <p>An input that arrives to an empty queue while a device is free runs at once on the caller's thread. Otherwise
 * a worker that is free takes what is queued, up to {@code maxBatchSize}. While inputs are still on their way
 * (callers encoding them right now) it waits for them, but never past {@code maxBatchDelay} from the first input
 * of the batch: under load batches grow, and a lone caller is never kept waiting for company that is not coming.
 * A batch is padded to the next bucket size (powers of two up to the maximum), the sizes the model was warmed for,
 * because TorchScript optimizes anew for each new shape. A full queue refuses new inputs with
 * MODEL_BUSY_PLEASE_RETRY instead of letting latency grow. A batch whose forward pass fails is run again one input
 * at a time, so that one bad input fails only its own output.
 */
final class Batcher implements AutoCloseable {

    /** MODEL_BUSY_PLEASE_RETRY: newer than clarifai-grpc 10.3's enum, so sent by number. */
    static final int MODEL_BUSY_PLEASE_RETRY = 21354;

    private record Job(EncodedInput input, CompletableFuture<float[]> result, long enqueuedNanos) {}

    /** A worker and the lock that lets one thread at a time use its predictor. */
    private record Slot(Worker worker, ReentrantLock lock) {}

    private final String modelId;
    private final int maxBatchSize;
    private final long maxBatchDelayNanos;
    private final long[] rowShape;
    private final List<Integer> buckets;
    private final BlockingQueue<Job> queue;
    private final AtomicInteger arriving = new AtomicInteger();
    private final List<Slot> slots;
    private final List<Thread> threads = new ArrayList<>();
    private final ExecutionMetrics metrics;
    private volatile boolean running = true;

    Batcher(
            String modelId,
            ModelSpec spec,
            long[] rowShape,
            List<Worker> workers,
            int capacity,
            ExecutionMetrics metrics) {
        this.modelId = modelId;
        this.maxBatchSize = spec.maxBatchSize();
        this.maxBatchDelayNanos = spec.maxBatchDelay().toNanos();
        this.rowShape = rowShape;
        this.buckets = buckets(maxBatchSize);
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.slots = workers.stream()
                .map(worker -> new Slot(worker, new ReentrantLock()))
                .toList();
        this.metrics = metrics;
        metrics.queueDepth(modelId, queue::size);
    }

    /** Starts one thread per worker; call after {@link #warm}. */
    void start() {
        for (Slot slot : slots) {
            Thread thread = new Thread(
                    () -> loop(slot), "model-" + modelId + "-" + slot.worker().label());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** The batch sizes the model runs with. */
    List<Integer> buckets() {
        return buckets;
    }

    /**
     * Runs every bucket size {@code rounds} times on every worker, before any input arrives, and answers the width
     * of the model's output rows.
     */
    int warm(EncodedInput zero, int rounds) throws Exception {
        int width = -1;
        for (Slot slot : slots) {
            Worker worker = slot.worker();
            for (int bucket : buckets) {
                for (int round = 0; round < Math.max(1, rounds); round++) {
                    float[][] out = worker.forward(List.of(zero), bucket, rowShape);
                    width = out[0].length;
                }
            }
        }
        return width;
    }

    /** Says that {@code count} inputs are being encoded and will be submitted (or given up) soon. */
    void announce(int count) {
        arriving.addAndGet(count);
    }

    /** Says that an announced input will not come after all (it was rejected while encoding). */
    void withdraw() {
        arriving.decrementAndGet();
    }

    /**
     * Queues one announced input.
     *
     * @throws RejectedInputException MODEL_BUSY_PLEASE_RETRY when the queue is full
     */
    CompletableFuture<float[]> submit(EncodedInput input) throws RejectedInputException {
        Job job = new Job(input, new CompletableFuture<>(), System.nanoTime());
        // No longer on its way before it is queued: a worker that takes it must not wait for it as well.
        arriving.decrementAndGet();
        if (running && queue.isEmpty()) {
            for (Slot slot : slots) {
                if (slot.lock().tryLock()) {
                    try {
                        if (queue.isEmpty()) {
                            // Nothing to batch with and a device free: run it here, sparing two thread hand-offs.
                            run(slot.worker(), List.of(job));
                            return job.result();
                        }
                    } finally {
                        slot.lock().unlock();
                    }
                }
            }
        }
        if (!running || !queue.offer(job)) {
            throw new RejectedInputException(
                    MODEL_BUSY_PLEASE_RETRY,
                    "model '" + modelId + "' has " + queue.size() + " inputs waiting, its limit; retry shortly");
        }
        return job.result();
    }

    private void loop(Slot slot) {
        while (running) {
            try {
                List<Job> batch = nextBatch();
                if (!batch.isEmpty()) {
                    slot.lock().lock();
                    try {
                        batch.removeIf(job -> job.result().isDone()); // given up on while waiting for the device
                        if (!batch.isEmpty()) {
                            run(slot.worker(), batch);
                        }
                    } finally {
                        slot.lock().unlock();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                Log.errorf(
                        e,
                        "Worker %s of model %s failed; it keeps serving",
                        slot.worker().label(),
                        modelId);
            }
        }
    }

    private List<Job> nextBatch() throws InterruptedException {
        List<Job> batch = new ArrayList<>(maxBatchSize);
        Job first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
            return batch;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatchSize - batch.size());
        long deadline = first.enqueuedNanos() + maxBatchDelayNanos;
        while (batch.size() < maxBatchSize && arriving.get() > 0) {
            long wait = deadline - System.nanoTime();
            Job next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                break;
            }
            batch.add(next);
            queue.drainTo(batch, maxBatchSize - batch.size());
        }
        batch.removeIf(job -> job.result().isDone()); // cancelled by callers that gave up
        return batch;
    }

    private void run(Worker worker, List<Job> batch) {
        long started = System.nanoTime();
        for (Job job : batch) {
            metrics.queueWait(modelId, started - job.enqueuedNanos());
        }
        metrics.batchSize(modelId, batch.size());
        try {
            float[][] rows = worker.forward(batch.stream().map(Job::input).toList(), bucketFor(batch.size()), rowShape);
            metrics.inference(modelId, worker.label(), System.nanoTime() - started);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(rows[i]);
            }
        } catch (Exception e) {
            if (batch.size() > 1) {
                Log.warnf(
                        "A batch of %d inputs failed on model %s (%s); running them one by one",
                        batch.size(), modelId, e.getMessage());
                batch.forEach(job -> run(worker, List.of(job)));
            } else {
                metrics.error(modelId, StatusCode.MODEL_PREDICTION_FAILED.getNumber());
                batch.get(0)
                        .result()
                        .completeExceptionally(new RejectedInputException(
                                StatusCode.MODEL_PREDICTION_FAILED,
                                "model '" + modelId + "' failed on this input: " + e.getMessage()));
            }
        }
    }

    /** The smallest bucket that holds {@code size} inputs. */
    int bucketFor(int size) {
        for (int bucket : buckets) {
            if (bucket >= size) {
                return bucket;
            }
        }
        return maxBatchSize;
    }

    static List<Integer> buckets(int maxBatchSize) {
        List<Integer> sizes = new ArrayList<>();
        for (int size = 1; size < maxBatchSize; size *= 2) {
            sizes.add(size);
        }
        sizes.add(maxBatchSize);
        return List.copyOf(sizes);
    }

    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Job job; (job = queue.poll()) != null; ) {
            job.result()
                    .completeExceptionally(new RejectedInputException(
                            MODEL_BUSY_PLEASE_RETRY, "model '" + modelId + "' is shutting down"));
        }
        slots.forEach(slot -> slot.worker().close());
    }
}
