package dev.runneragent.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/** What the HTTP benchmarks share: closed loops of callers, the images they send, and the ratio rows they print. */
public final class ClosedLoop {

    private ClosedLoop() {}

    /** A measured phase: requests answered per second, latency percentiles, and failed requests. */
    public record Run(double perSecond, long p50Micros, long p99Micros, int errors) {}

    /** One request of a caller; {@code i} numbers the caller's requests across all callers. */
    @FunctionalInterface
    public interface Request {
        void send(int i) throws Exception;
    }

    /**
     * Runs {@code callers} closed loops of {@code request} for a third of {@code seconds} unmeasured, then
     * {@code seconds} measured; answers the rate and latencies of the measured part.
     */
    public static Run measure(int callers, int seconds, Request request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger errors = new AtomicInteger();
        List<Future<List<Long>>> workers = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int caller = c;
            workers.add(pool.submit(() -> {
                List<Long> latencies = new ArrayList<>();
                int i = caller;
                while (running.get()) {
                    long start = System.nanoTime();
                    try {
                        request.send(i);
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    if (measuring.get()) {
                        latencies.add((System.nanoTime() - start) / 1_000);
                    }
                    i += callers;
                }
                return latencies;
            }));
        }
        Thread.sleep(seconds * 1000L / 3);
        measuring.set(true);
        long started = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double elapsed = (System.nanoTime() - started) / 1e9;
        running.set(false);
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> worker : workers) {
            all.addAll(worker.get());
        }
        pool.shutdown();
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return new Run(0, 0, 0, errors.get());
        }
        return new Run(
                sorted.length / elapsed,
                sorted[sorted.length / 2],
                sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))],
                errors.get());
    }

    /** {@code count} PNG images of 32x32 random pixels, the same on every run (seed 42). */
    public static List<byte[]> noiseImages(int count) throws IOException {
        Random random = new Random(42);
        List<byte[]> images = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    image.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            images.add(out.toByteArray());
        }
        return images;
    }

    /**
     * Prints a Markdown row: {@code top}'s rate over {@code bottom}'s, round by round (phases of the same round
     * paired), the median first, then every round in the order run.
     */
    public static <T> void ratio(
            Map<String, List<T>> results, ToDoubleFunction<T> rate, String label, String top, String bottom) {
        List<T> a = results.get(top);
        List<T> b = results.get(bottom);
        double[] ratios = new double[a.size()];
        for (int i = 0; i < a.size(); i++) {
            ratios[i] = rate.applyAsDouble(a.get(i)) / rate.applyAsDouble(b.get(i));
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        StringBuilder every = new StringBuilder();
        for (double r : ratios) {
            every.append(every.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", r));
        }
        System.out.printf(Locale.ROOT, "| %s | **%.2fx** | %s |%n", label, sorted[sorted.length / 2], every);
    }

    /** The round with the median rate. */
    public static <T> T median(List<T> list, ToDoubleFunction<T> rate) {
        List<T> sorted = new ArrayList<>(list);
        sorted.sort(java.util.Comparator.comparingDouble(rate));
        return sorted.get(sorted.size() / 2);
    }
}
