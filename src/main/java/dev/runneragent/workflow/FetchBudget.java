package dev.runneragent.workflow;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of fetched URL inputs the node holds at once, across all requests: a request reserves each chunk as it
 * arrives and gives all of it back when its answer is ready. A fetch that would pass the limit fails its input
 * (the node is full for now), so that many large URL inputs at once cannot run the node out of memory.
 */
final class FetchBudget {

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    FetchBudget(long limit) {
        this.limit = limit;
    }

    long used() {
        return used.get();
    }

    /** A request's share: what it reserved, given back at once by {@link Held#close}. */
    Held hold() {
        return new Held();
    }

    final class Held implements AutoCloseable {

        private final AtomicLong mine = new AtomicLong();

        /** Reserves {@code bytes} more for this request; false (and nothing reserved) when the node is full. */
        boolean reserve(long bytes) {
            while (true) {
                long now = used.get();
                if (now + bytes > limit) {
                    return false;
                }
                if (used.compareAndSet(now, now + bytes)) {
                    mine.addAndGet(bytes);
                    return true;
                }
            }
        }

        @Override
        public void close() {
            used.addAndGet(-mine.getAndSet(0));
        }
    }
}
