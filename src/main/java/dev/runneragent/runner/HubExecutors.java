package dev.runneragent.runner;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hub's own threads: {@code work} runs store calls that wake-ups and signals trigger (never an HTTP thread or
 * the listener), {@code timers} fires poll and caller deadlines and must only hand work on.
 */
@ApplicationScoped
public class HubExecutors {

    private final ExecutorService work;
    private final ScheduledExecutorService timers;

    public HubExecutors() {
        this(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    }

    HubExecutors(int workThreads) {
        this.work = Executors.newFixedThreadPool(workThreads, named("hub-work"));
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, named("hub-timer"));
        timers.setRemoveOnCancelPolicy(true); // a deadline met early leaves nothing queued behind
        this.timers = timers;
    }

    public ExecutorService work() {
        return work;
    }

    public ScheduledExecutorService timers() {
        return timers;
    }

    @PreDestroy
    public void close() {
        timers.shutdownNow();
        work.shutdown();
        try {
            if (!work.awaitTermination(5, TimeUnit.SECONDS)) {
                work.shutdownNow();
            }
        } catch (InterruptedException e) {
            work.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
