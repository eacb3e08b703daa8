package dev.runneragent.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests for something another thread or process does. */
public final class Waits {

    private Waits() {}

    /** Returns once {@code condition} holds; fails, saying {@code what} did not happen, after {@code within}. */
    public static void until(BooleanSupplier condition, Duration within, String what) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError(what + " within " + within.toMillis() + " ms");
            }
            Thread.sleep(20);
        }
    }
}
