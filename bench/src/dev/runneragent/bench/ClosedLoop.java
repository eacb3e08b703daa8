package dev.runneragent.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/** What the HTTP benchmarks share: closed loops of callers, the images they send, and the ratio rows they print. */
public final class ClosedLoop {

    private ClosedLoop() {}

    /** A measured phase: requests answered per second, latency percentiles, and failed requests. */
    public record Run(double perSecond, long p50Micros, long p99Micros, int errors) {}

    /** The benchmarks' HTTP client: HTTP/1.1, as the nodes' own clients speak, on a small pool of its own. */
    public static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(4))
                .build();
    }

    /** Waits up to 120 s for the node at {@code base} to be ready; {@code log} names its log for a failure. */
    public static void awaitReady(HttpClient http, Process node, String base, String log) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < until) {
            if (!node.isAlive()) {
                throw new IllegalStateException("the node at " + base + " stopped; see " + log);
            }
            try {
                HttpResponse<String> ready = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the node at " + base + " was not ready within 120 s; see " + log);
    }

    /** Posts {@code body} to {@code url} with {@code key}; answers the body, or throws unless it is a 200 SUCCESS. */
    public static String post(HttpClient http, String url, String key, String body) throws Exception {
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Key " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200 || !answer.body().contains("\"code\":\"SUCCESS\"")) {
            throw new IllegalStateException(url + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

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
        return measure(callers, seconds, request, () -> {}, () -> {});
    }

    /** {@link #measure}, calling {@code opened} as the measured part starts and {@code closed} as it ends. */
    public static Run measure(int callers, int seconds, Request request, Runnable opened, Runnable closed)
            throws Exception {
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
        opened.run();
        measuring.set(true);
        long started = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double elapsed = (System.nanoTime() - started) / 1e9;
        closed.run();
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
