package dev.runneragent.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runneragent.runner.ItemStore.Leased;
import dev.runneragent.runner.ItemStore.Target;
import dev.runneragent.runner.Waiters.Waiter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Which waiting polls an arrival wakes, how many, and how it travels between replicas. */
class ArrivalTest {

    private static final Resources GPU = new Resources(1000, 1L << 30, 1, 16L << 30, List.of("NVIDIA-A10G"));

    private static RunnerProfile runner(String id, String model, String nodepool, Resources resources) {
        return new RunnerProfile("u", id, model, "", "", nodepool, List.of(), 1, resources);
    }

    @Test
    void anArrivalSuitsTheRunnersTheQueueWouldLeaseTo() {
        Arrival gpuItem = new Arrival("u", "m", "", new Target("", "pool", ""), GPU, 1);
        assertTrue(gpuItem.suits(runner("a", "m", "pool", null)), "a runner without declared resources takes any");
        assertTrue(gpuItem.suits(
                runner("b", "m", "pool", new Resources(4000, 8L << 30, 2, 24L << 30, List.of("a10g", "nvidia-a10g")))));
        assertFalse(gpuItem.suits(runner("c", "m", "pool", new Resources(4000, 8L << 30, 0, 0, List.of()))), "no GPU");
        assertFalse(gpuItem.suits(runner("d", "m", "other-pool", null)), "another nodepool");
        assertFalse(gpuItem.suits(runner("e", "other-model", "pool", null)), "bound to another model");
        Arrival addressed = new Arrival("u", "m", "", new Target("f", "", ""), Resources.NONE, 1);
        assertTrue(addressed.suits(runner("f", "m", "", null)));
        assertFalse(addressed.suits(runner("g", "m", "", null)), "addressed to another runner");
        Arrival v2 = new Arrival("u", "m", "v2", Target.ANY, Resources.NONE, 1);
        assertFalse(v2.suits(new RunnerProfile("u", "h", "m", "v1", "", "", List.of(), 1, null)), "bound to v1");
        assertTrue(Arrival.anyOf("u", "m", 1).suits(runner("c", "m", "pool", Resources.NONE)), "requeued: any fit");
    }

    @Test
    void anArrivalTravelsAsItIs() {
        Arrival sent = new Arrival("u", "m", "v1", new Target("r", "p", "w"), GPU, 7);
        assertEquals(sent, Arrival.decode(sent.encode()));
        Arrival requeued = Arrival.anyOf("u", "m", 2);
        assertEquals(requeued, Arrival.decode(requeued.encode()));
        assertNull(Arrival.decode("garbage"));
        assertNull(Arrival.decode("u\tm\tv\tnot-a-number"));
    }

    @Test
    void aWakeUpRousesNoMoreWaitersThanItemsTheOldestFirst() {
        Waiters waiters = new Waiters();
        List<Waiter> waiting = List.of(
                waiter(waiters, runner("cpu-only", "m", "", Resources.NONE)),
                waiter(waiters, runner("first", "m", "", null)),
                waiter(waiters, runner("second", "m", "", null)),
                waiter(waiters, runner("third", "m", "", null)));
        waiting.forEach(waiters::add);
        long generation = waiters.generation("u");

        List<Waiter> woken = waiters.wake(new Arrival("u", "m", "", Target.ANY, GPU, 2));

        assertEquals(
                List.of("first", "second"),
                woken.stream().map(w -> w.runner().id()).toList());
        assertEquals(2, waiters.size(), "the others still wait");
        assertTrue(waiters.generation("u") > generation, "a wake-up advances the generation");
        assertEquals(
                List.of("cpu-only", "third"),
                waiters.wake(Arrival.anyOf("u", "m", 5)).stream()
                        .map(w -> w.runner().id())
                        .toList());
    }

    private static Waiter waiter(Waiters waiters, RunnerProfile runner) {
        return new Waiter(waiters.nextNumber(), runner, 1, Instant.MAX, new CompletableFuture<List<Leased>>());
    }
}
