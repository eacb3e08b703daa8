package dev.runneragent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The pull loop's pacing: it polls only while the engine has room, and backs off exponentially with jitter. */
class PacingTest {

    @Test
    void aLoopPollsAtOnceWhileTheEngineHasRoom() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        Pacing pacing = new Pacing(() -> 0.49, 1);

        assertTrue(pacing.awaitRoom(() -> true, looks::incrementAndGet));
        assertEquals(0, looks.get(), "no wait at all");
    }

    @Test
    void aLoopWaitsWhileTheEngineIsHalfFullAndPollsOnceItDrains() throws Exception {
        AtomicReference<Double> fill = new AtomicReference<>(0.5);
        AtomicInteger looks = new AtomicInteger();
        Pacing pacing = new Pacing(fill::get, 1);

        CompletableFuture<Boolean> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return pacing.awaitRoom(() -> true, looks::incrementAndGet);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        while (looks.get() < 5) {
            Thread.sleep(1);
        }
        assertFalse(poll.isDone(), "no poll while the fullest queue is half full");
        fill.set(0.2);
        assertTrue(poll.get(5, TimeUnit.SECONDS), "a poll once the queue drained");
    }

    @Test
    void aLoopThatIsStoppedWhileWaitingDoesNotPoll() throws Exception {
        AtomicBoolean going = new AtomicBoolean(true);
        Pacing pacing = new Pacing(() -> 1.0, 1);

        assertFalse(pacing.awaitRoom(going::get, () -> going.set(false)));
    }

    @Test
    void backoffDoublesFromHalfASecondToThirtySecondsWithItsUpperHalfJittered() {
        assertEquals(250, Pacing.backoffMillis(1, 0.0));
        assertEquals(500, Pacing.backoffMillis(1, 1.0));
        assertEquals(500, Pacing.backoffMillis(2, 0.0));
        assertEquals(1000, Pacing.backoffMillis(2, 1.0));
        assertEquals(8000, Pacing.backoffMillis(6, 0.0));
        assertEquals(15_000, Pacing.backoffMillis(7, 0.0), "the ceiling is 30 s");
        assertEquals(30_000, Pacing.backoffMillis(50, 1.0));
        long jittered = Pacing.backoffMillis(4, 0.37);
        assertTrue(jittered > 2000 && jittered < 4000, "jitter lands inside the upper half: " + jittered);
    }
}
