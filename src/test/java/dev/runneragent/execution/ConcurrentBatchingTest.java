package dev.runneragent.execution;

import static dev.runneragent.execution.TestInputs.image;
import static dev.runneragent.execution.TestInputs.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Concurrent callers of one model share batches, and each gets its own answer. */
class ConcurrentBatchingTest {

    private static final int CALLERS = 32;
    private static final int REQUESTS_EACH = 10;

    @Test
    void concurrentCallersAreServedInBatchesLargerThanOneEachWithItsOwnAnswer() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        ExecutionEngine engine = TestEngines.engine(
                TestEngines.SAMPLE_MODELS, TestEngines.config(8, Duration.ofMillis(5), 256), "", metrics);
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            // Each caller has an image of its own, and knows its embedding from a lone request first.
            List<byte[]> images = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (int caller = 0; caller < CALLERS; caller++) {
                images.add(TestInputs.encode(TestInputs.noisy(TestInputs.scene(48), 60, caller), "png"));
                expected.add(SampleModelsTest.vector(
                        engine.predict(request("image-embedder", image("alone", images.get(caller))))
                                .getOutputs(0)));
            }
            DistributionSummary batches = metrics.find("runner.model.batch.size")
                    .tag("model", "image-embedder")
                    .summary();
            long inputsBefore = (long) batches.totalAmount();
            long batchesBefore = batches.count();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<float[]>>> answers = new ArrayList<>();
            for (int caller = 0; caller < CALLERS; caller++) {
                byte[] mine = images.get(caller);
                answers.add(callers.submit(() -> {
                    start.await();
                    List<float[]> got = new ArrayList<>();
                    for (int i = 0; i < REQUESTS_EACH; i++) {
                        got.add(SampleModelsTest.vector(engine.predict(request("image-embedder", image("x", mine)))
                                .getOutputs(0)));
                    }
                    return got;
                }));
            }
            start.countDown();
            for (int caller = 0; caller < CALLERS; caller++) {
                for (float[] got : answers.get(caller).get(60, TimeUnit.SECONDS)) {
                    assertArrayEquals(expected.get(caller), got, 1e-5f, "caller " + caller);
                }
            }
            assertEquals(CALLERS * REQUESTS_EACH, (long) batches.totalAmount() - inputsBefore);
            assertTrue(batches.max() > 1, "largest batch " + batches.max());
            assertTrue(
                    batches.count() - batchesBefore < CALLERS * REQUESTS_EACH,
                    (batches.count() - batchesBefore) + " batches");
        } finally {
            callers.shutdownNow();
            engine.close();
        }
    }
}
