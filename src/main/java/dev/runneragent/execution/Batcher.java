package dev.runneragent.execution;

import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.api.StatusCodes;
import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The dynamic batcher of one model: a bounded queue of encoded inputs, and one worker per device that runs them in
 * batches.
 *
 * <ul>
 *   <li>A request whose inputs find the queue empty, nobody else's inputs on their way and a device free runs at
 *       once on its caller's thread, all its inputs in batches of up to {@code maxBatchSize}: no thread hand-off.
 *   <li>Otherwise its inputs are queued. A worker takes the device, then what is queued, up to
 *       {@code maxBatchSize}; while inputs are still on their way (callers encoding them now) it waits for them, but
 *       never past {@code maxBatchDelay} from the first input of the batch. Holding the device while it gathers, it
 *       cannot be overtaken by a caller running its own inputs.
 *   <li>A batch is padded to the next bucket size (powers of two up to the maximum), the sizes the model was warmed
 *       for, because TorchScript optimizes anew for each new shape.
 *   <li>A full queue refuses inputs with MODEL_BUSY_PLEASE_RETRY instead of letting latency grow.
 *   <li>A batch whose forward pass fails is run again one input at a time, so one bad input fails only its own
 *       output.
 * </ul>
 */
final class Batcher implements AutoCloseable {

    private static final long POLL_MILLIS = 200;
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private record Job(EncodedInput input, CompletableFuture<float[]> result, long enqueuedNanos) {}

    /** A worker and the lock that gives one thread at a time its device. */
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
    private final ExecutionMetrics.ModelMeters meters;
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
        this.meters = metrics.model(modelId, buckets, queue::size);
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
            for (int bucket : buckets) {
                for (int round = 0; round < Math.max(1, rounds); round++) {
                    width = slot.worker().forward(List.of(zero), bucket, rowShape)[0].length;
                }
            }
        }
        return width;
    }

    /** Says that {@code count} inputs are being encoded now; {@link #submitAll} or {@link #withdraw} follows. */
    void announce(int count) {
        arriving.addAndGet(count);
    }

    /** How full the queue is, from 0 (empty) to 1 (full: inputs are refused). */
    double fill() {
        int waiting = queue.size();
        return waiting / (double) Math.max(1, waiting + queue.remainingCapacity());
    }

    /** Takes back an announcement whose inputs will not be submitted (encoding failed unexpectedly). */
    void withdraw(int count) {
        arriving.addAndGet(-count);
    }

    /**
     * Runs or queues the encoded inputs of one request, of which {@code announced} were announced (the others were
     * rejected while encoding). Each future holds the input's output row, or a {@link RejectedInputException}.
     */
    List<CompletableFuture<float[]>> submitAll(List<EncodedInput> inputs, int announced) {
        long now = System.nanoTime();
        List<Job> jobs = inputs.stream()
                .map(input -> new Job(input, new CompletableFuture<>(), now))
                .toList();
        // No longer on their way: a worker that takes them must not wait for them as well.
        int stillArriving = arriving.addAndGet(-announced);
        if (running && stillArriving == 0 && queue.isEmpty() && runHere(jobs)) {
            return futures(jobs);
        }
        for (Job job : jobs) {
            if (!running || !queue.offer(job)) {
                job.result().completeExceptionally(running ? busy() : shuttingDown());
            }
        }
        if (!running) { // closed while queueing: fail what close() may not have seen
            jobs.forEach(job -> {
                queue.remove(job);
                job.result().completeExceptionally(shuttingDown());
            });
        }
        return futures(jobs);
    }

    /** Runs {@code jobs} on this thread if a device is free, in batches of at most {@code maxBatchSize}. */
    private boolean runHere(List<Job> jobs) {
        for (Slot slot : slots) {
            if (slot.lock().tryLock()) {
                try {
                    for (int from = 0; from < jobs.size(); from += maxBatchSize) {
                        run(slot.worker(), jobs.subList(from, Math.min(jobs.size(), from + maxBatchSize)), true);
                    }
                    return true;
                } finally {
                    slot.lock().unlock();
                }
            }
        }
        return false;
    }

    private void loop(Slot slot) {
        while (running) {
            try {
                Job first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                slot.lock().lock();
                try {
                    List<Job> batch = gather(first);
                    if (!batch.isEmpty()) {
                        run(slot.worker(), batch, true);
                    }
                } finally {
                    slot.lock().unlock();
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

    /** The batch that starts with {@code first}: what is queued, and what arrives before the deadline. */
    private List<Job> gather(Job first) throws InterruptedException {
        List<Job> batch = new ArrayList<>(maxBatchSize);
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

    /** Runs one batch on {@code worker} (whose lock the caller holds); {@code record}: count it in the metrics. */
    private void run(Worker worker, List<Job> batch, boolean record) {
        long started = System.nanoTime();
        if (record) {
            meters.batch(batch.size(), batch.stream().mapToLong(job -> started - job.enqueuedNanos()));
        }
        try {
            float[][] rows = worker.forward(batch.stream().map(Job::input).toList(), bucketFor(batch.size()), rowShape);
            meters.inference(worker.label(), System.nanoTime() - started);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(rows[i]);
            }
        } catch (Exception e) {
            if (batch.size() > 1) {
                Log.warnf(
                        "A batch of %d inputs failed on model %s (%s); running them one by one",
                        batch.size(), modelId, e.getMessage());
                batch.forEach(job -> run(worker, List.of(job), false));
            } else {
                batch.get(0)
                        .result()
                        .completeExceptionally(new RejectedInputException(
                                StatusCode.MODEL_PREDICTION_FAILED,
                                "model '" + modelId + "' failed on this input: " + e.getMessage()));
            }
        } catch (Error e) {
            batch.forEach(job -> job.result()
                    .completeExceptionally(new RejectedInputException(
                            StatusCode.MODEL_PREDICTION_FAILED, "model '" + modelId + "' failed: " + e)));
            throw e;
        }
    }

    /** The smallest bucket that holds {@code size} inputs ({@code size} is at most the largest bucket). */
    int bucketFor(int size) {
        return buckets.stream().filter(bucket -> bucket >= size).findFirst().orElseThrow();
    }

    static List<Integer> buckets(int maxBatchSize) {
        List<Integer> sizes = new ArrayList<>();
        for (int size = 1; size < maxBatchSize; size *= 2) {
            sizes.add(size);
        }
        sizes.add(maxBatchSize);
        return List.copyOf(sizes);
    }

    private RejectedInputException busy() {
        return new RejectedInputException(
                StatusCodes.MODEL_BUSY_PLEASE_RETRY,
                "model '" + modelId + "' has " + queue.size() + " inputs waiting, its limit; retry shortly");
    }

    private RejectedInputException shuttingDown() {
        return new RejectedInputException(
                StatusCode.RPC_SERVER_UNAVAILABLE, "model '" + modelId + "' is shutting down");
    }

    private static List<CompletableFuture<float[]>> futures(List<Job> jobs) {
        return jobs.stream().map(Job::result).toList();
    }

    /**
     * Stops taking inputs, fails the queued ones, and closes each worker once it holds the worker's device: a
     * forward pass still running keeps its model until it ends (or the wait gives up, leaving it open).
     */
    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Job job; (job = queue.poll()) != null; ) {
            job.result().completeExceptionally(shuttingDown());
        }
        for (Slot slot : slots) {
            try {
                if (slot.lock().tryLock(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    try {
                        slot.worker().close();
                    } finally {
                        slot.lock().unlock();
                    }
                } else {
                    Log.warnf(
                            "Model %s on %s still runs after %d ms; leaving it open",
                            modelId, slot.worker().label(), CLOSE_WAIT_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
