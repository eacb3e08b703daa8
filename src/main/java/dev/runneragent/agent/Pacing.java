package dev.runneragent.agent;

import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;

/**
 * When a pull loop polls. It polls only while the engine has room (its fullest model queue is under
 * {@link #MAX_FILL}), so that what it pulls starts soon instead of waiting here while another runner could run it;
 * after a failure it waits an exponential, jittered time.
 */
final class Pacing {

    /** The fill of the fullest model queue at which loops stop polling until it drains. */
    static final double MAX_FILL = 0.5;

    private static final long FIRST_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private final DoubleSupplier fill;
    private final long checkMillis;

    /** {@code fill}: how full the engine's fullest queue is (0 to 1), looked at every {@code checkMillis}. */
    Pacing(DoubleSupplier fill, long checkMillis) {
        this.fill = fill;
        this.checkMillis = checkMillis;
    }

    /**
     * Waits until the engine has room, calling {@code waiting} at each look; true when a poll may go, false when
     * {@code going} turned false first.
     */
    boolean awaitRoom(BooleanSupplier going, Runnable waiting) throws InterruptedException {
        while (going.getAsBoolean()) {
            if (fill.getAsDouble() < MAX_FILL) {
                return true;
            }
            waiting.run();
            Thread.sleep(checkMillis);
        }
        return false;
    }

    /**
     * The wait after the {@code failures}-th failure in a row: up to 0.5 s doubling to 30 s, with its upper half
     * jittered by {@code random} (0 to 1), so that agents that failed together do not come back together.
     */
    static long backoffMillis(int failures, double random) {
        long ceiling = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(Math.max(failures, 1) - 1, 6));
        return ceiling / 2 + (long) (random * (ceiling / 2));
    }
}
