package dev.runneragent.runner;

import dev.runneragent.runner.ItemStore.Leased;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The long polls of this replica that found nothing and wait for work, by user. A wake-up takes the waiters that
 * may serve the new items out of the set, and the caller gives each a new lease attempt. Each user has a
 * generation that every wake-up advances: a poll that finds nothing compares it before and after joining the set,
 * so a wake-up between its attempt and its joining is never lost.
 */
final class Waiters {

    /** One waiting poll. Its answer completes once: with items, or empty at its deadline. */
    record Waiter(
            long number,
            RunnerProfile runner,
            int capacity,
            Instant deadline,
            CompletableFuture<List<Leased>> answer) {}

    private static final Comparator<Waiter> BY_NUMBER = Comparator.comparingLong(Waiter::number);

    /** A number for a new waiter: waiters are woken in the order of their numbers, the oldest poll first. */
    long nextNumber() {
        return order.incrementAndGet();
    }

    private final Map<String, Set<Waiter>> byUser = new ConcurrentHashMap<>();
    private final AtomicLong order = new AtomicLong();
    private final Map<String, AtomicLong> generations = new ConcurrentHashMap<>();

    long generation(String userId) {
        return generations.computeIfAbsent(userId, u -> new AtomicLong()).get();
    }

    void add(Waiter waiter) {
        byUser.computeIfAbsent(waiter.runner().userId(), u -> new ConcurrentSkipListSet<>(BY_NUMBER))
                .add(waiter);
    }

    /** Takes {@code waiter} out; false when a wake-up or its deadline took it first. */
    boolean remove(Waiter waiter) {
        Set<Waiter> waiting = byUser.get(waiter.runner().userId());
        return waiting != null && waiting.remove(waiter);
    }

    /** Items arrived: answers up to {@code arrival.count()} waiters they suit, taken out, the longest waiting first. */
    List<Waiter> wake(Arrival arrival) {
        generations.computeIfAbsent(arrival.userId(), u -> new AtomicLong()).incrementAndGet();
        Set<Waiter> waiting = byUser.get(arrival.userId());
        List<Waiter> woken = new ArrayList<>();
        if (waiting != null) {
            for (Waiter waiter : waiting) {
                if (woken.size() >= arrival.count()) {
                    break;
                }
                if (arrival.suits(waiter.runner()) && waiting.remove(waiter)) {
                    woken.add(waiter);
                }
            }
        }
        return woken;
    }

    /** The waiting polls of these runners, taken out (the runners were deleted). */
    List<Waiter> removeRunners(String userId, Collection<String> runnerIds) {
        List<Waiter> removed = new ArrayList<>();
        Set<Waiter> waiting = byUser.get(userId);
        if (waiting != null) {
            for (Waiter waiter : waiting) {
                if (runnerIds.contains(waiter.runner().id()) && waiting.remove(waiter)) {
                    removed.add(waiter);
                }
            }
        }
        return removed;
    }

    /** Every waiter, taken out (after a lost connection to the other replicas). */
    List<Waiter> wakeAll() {
        generations.values().forEach(AtomicLong::incrementAndGet);
        List<Waiter> woken = new ArrayList<>();
        for (Set<Waiter> waiting : byUser.values()) {
            for (Waiter waiter : waiting) {
                if (waiting.remove(waiter)) {
                    woken.add(waiter);
                }
            }
        }
        return woken;
    }

    int size() {
        return byUser.values().stream().mapToInt(Set::size).sum();
    }
}
