package dev.runneragent.execution;

import static dev.runneragent.execution.TestInputs.image;
import static dev.runneragent.execution.TestInputs.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.MultiOutputResponse;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
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
    private static final List<Color> COLOURS =
            List.of(new Color(230, 20, 25), new Color(25, 210, 40), new Color(20, 30, 240));
    private static final List<String> NAMES = List.of("red", "green", "blue");

    @Test
    void concurrentCallersAreServedInBatchesLargerThanOneEachWithItsOwnAnswer() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        ExecutionEngine engine = TestEngines.engine(
                TestEngines.SAMPLE_MODELS, TestEngines.config(8, Duration.ofMillis(5), 256), "", metrics);
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> answers = new ArrayList<>();
            for (int caller = 0; caller < CALLERS; caller++) {
                int colour = caller % COLOURS.size();
                byte[] png = TestInputs.solid(COLOURS.get(colour), 24 + caller);
                answers.add(callers.submit(() -> {
                    start.await();
                    List<String> mine = new ArrayList<>();
                    for (int i = 0; i < REQUESTS_EACH; i++) {
                        MultiOutputResponse response = engine.predict(request("colour-classifier", image("x", png)));
                        mine.add(response.getOutputs(0).getData().getConcepts(0).getId());
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (int caller = 0; caller < CALLERS; caller++) {
                List<String> mine = answers.get(caller).get(60, TimeUnit.SECONDS);
                assertEquals(
                        List.of(NAMES.get(caller % COLOURS.size())),
                        mine.stream().distinct().toList(),
                        "caller " + caller);
            }
            DistributionSummary batches = metrics.find("runner.model.batch.size")
                    .tag("model", "colour-classifier")
                    .summary();
            assertEquals(CALLERS * REQUESTS_EACH, (long) batches.totalAmount());
            assertTrue(batches.max() > 1, "largest batch " + batches.max());
            assertTrue(batches.count() < CALLERS * REQUESTS_EACH, batches.count() + " batches");
        } finally {
            callers.shutdownNow();
            engine.close();
        }
    }
}
