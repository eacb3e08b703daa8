package dev.runneragent.execution;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.Image;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.OutputConfig;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;

/**
 * The engine against raw DJL, side by side in one JVM, on the same model and the same inputs (see BENCHMARKS.md).
 *
 * <ul>
 *   <li>raw DJL: a plain predictor in a loop, with the engine's own encoder and decoder, so decoding, resizing and
 *       normalizing cost the same on both sides;
 *   <li>forward only: the predictor on a tensor built once, at batch 1 and at batch 32;
 *   <li>the engine, serially, one input per request;
 *   <li>the engine under 32 concurrent callers, with batching off (batches of 1) and on (up to 32).
 * </ul>
 *
 * <p>Usage: {@code EngineBench <model folder> <model id> [seconds per phase]}.
 */
public final class EngineBench {

    private static final int CALLERS = 32;
    private static final int IMAGES = 16;
    private static final int ROUNDS = 6;

    /** Throughput and latency of one phase. */
    record Result(String phase, double perSecond, double p50Micros, double p99Micros, String note) {}

    private final Path folder;
    private final String modelId;
    private final Duration phase;
    private final List<Data> images = new ArrayList<>();

    private EngineBench(Path folder, String modelId, Duration phase) throws Exception {
        this.folder = folder;
        this.modelId = modelId;
        this.phase = phase;
        Random random = new Random(42);
        for (int i = 0; i < IMAGES; i++) {
            BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    image.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(image, "png", png);
            images.add(Data.newBuilder()
                    .setImage(Image.newBuilder().setBase64(ByteString.copyFrom(png.toByteArray())))
                    .build());
        }
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        String model = args[1];
        Duration phase = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 10);
        EngineBench bench = new EngineBench(folder, model, phase);
        List<Result> results = bench.run();
        print(model, phase, results);
    }

    private List<Result> run() throws Exception {
        ModelFolder.Entry entry = ModelFolder.scan(folder, config(1, Duration.ZERO)).models().stream()
                .filter(e -> e.model().getId().equals(modelId)).findFirst().orElseThrow();
        SimpleMeterRegistry onMetrics = new SimpleMeterRegistry();
        ExecutionEngine batching = engine(32, Duration.ofMillis(5), onMetrics);
        ExecutionEngine single = engine(1, Duration.ZERO, new SimpleMeterRegistry());
        List<PostModelOutputsRequest> requests = new ArrayList<>();
        for (Data image : images) {
            requests.add(PostModelOutputsRequest.newBuilder().setModelId(modelId)
                    .addInputs(Input.newBuilder().setId("bench").setData(image)).build());
        }
        List<List<Result>> rounds = new ArrayList<>();
        try (ZooModel<NDList, NDList> model = Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelPath(entry.dir())
                        .optModelName("model")
                        .optEngine("PyTorch")
                        .optTranslator(new NoopTranslator())
                        .build()
                        .loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            ImageEncoder encoder = new ImageEncoder(entry.spec(), 50_000_000L);
            OutputDecoder decoder = OutputDecoder.of(entry.spec(), 0);
            // Rounds interleave the sides, so that the machine's drift during a run falls on both alike.
            // Rounds alternate the order of each compared pair (A B, then B A), so that drift during a run, such
            // as the JIT still warming up, falls on both sides alike.
            for (int round = 0; round < ROUNDS; round++) {
                boolean flip = round % 2 == 1;
                Result[] results = new Result[6];
                Call raw = i -> {
                    EncodedInput row = encoder.encode(images.get(i % IMAGES));
                    try (NDManager manager = model.getNDManager().newSubManager()) {
                        NDList out = predictor.predict(
                                new NDList(manager.create(row.floats(), new Shape(1, 3, 32, 32))));
                        decoder.decode(out.singletonOrThrow().toFloatArray(), OutputConfig.getDefaultInstance());
                        out.close();
                    }
                };
                Call engineSerial = i -> call(batching, requests.get(i % IMAGES));
                for (int side : flip ? new int[] {3, 0} : new int[] {0, 3}) {
                    results[side] = side == 0
                            ? measure("raw DJL, serial, full pipeline", 1, raw)
                            : measure("engine, serial, batch 1", 1, engineSerial);
                }
                results[1] = forward(model, predictor, 1);
                results[2] = forward(model, predictor, 32);
                for (int side : flip ? new int[] {5, 4} : new int[] {4, 5}) {
                    results[side] = side == 4
                            ? measure("engine, " + CALLERS + " callers, batching off", CALLERS,
                                    i -> call(single, requests.get(i % IMAGES)))
                            : batchingOn(batching, onMetrics, requests);
                }
                rounds.add(List.of(results));
            }
        } finally {
            batching.close();
            single.close();
        }
        List<Result> medians = new ArrayList<>();
        for (int phase = 0; phase < rounds.get(0).size(); phase++) {
            int index = phase;
            List<Result> all = rounds.stream().map(r -> r.get(index)).sorted(
                    java.util.Comparator.comparingDouble(Result::perSecond)).toList();
            Result median = all.get(all.size() / 2);
            String note = median.note();
            medians.add(new Result(median.phase(), median.perSecond(), median.p50Micros(), median.p99Micros(),
                    note + String.format(Locale.ROOT, "%srounds: %s", note.isEmpty() ? "" : "; ",
                            all.stream().map(r -> String.format(Locale.ROOT, "%.0f", r.perSecond())).toList())));
        }
        RATIOS.clear();
        double rawTotal = rounds.stream().mapToDouble(r -> r.get(0).perSecond()).sum();
        double engineTotal = rounds.stream().mapToDouble(r -> r.get(3).perSecond()).sum();
        POOLED.clear();
        POOLED.add(engineTotal / rawTotal);
        POOLED.add(rounds.stream().mapToDouble(r -> r.get(5).perSecond()).sum()
                / rounds.stream().mapToDouble(r -> r.get(4).perSecond()).sum());
        RATIOS.add(ratio(rounds, r -> r.get(3).perSecond() / r.get(0).perSecond()));
        RATIOS.add(ratio(rounds, r -> 1e6 / r.get(3).perSecond() - 1e6 / r.get(0).perSecond()));
        RATIOS.add(ratio(rounds, r -> 1 - r.get(0).perSecond() / r.get(1).perSecond()));
        RATIOS.add(ratio(rounds, r -> r.get(5).perSecond() / r.get(4).perSecond()));
        RATIOS.add(ratio(rounds, r -> r.get(5).p50Micros() / r.get(4).p50Micros()));
        return medians;
    }

    /** Ratios of the phases' rates summed over all rounds: engine/raw serial, batching on/off. */
    private static final List<Double> POOLED = new ArrayList<>();

    /** Ratios of phases measured in the same round: median, and all rounds. */
    private static final List<double[]> RATIOS = new ArrayList<>();

    private static double[] ratio(List<List<Result>> rounds, java.util.function.ToDoubleFunction<List<Result>> f) {
        double[] values = rounds.stream().mapToDouble(f).toArray();
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[] answer = new double[values.length + 1];
        answer[0] = sorted[sorted.length / 2];
        System.arraycopy(values, 0, answer, 1, values.length);
        return answer;
    }

    private static String rounds(double[] ratio, String format) {
        List<String> each = new ArrayList<>();
        for (int i = 1; i < ratio.length; i++) {
            each.add(String.format(Locale.ROOT, format, ratio[i]));
        }
        return String.format(Locale.ROOT, format, ratio[0]) + " (rounds: " + String.join(", ", each) + ")";
    }

    private Result batchingOn(ExecutionEngine batching, SimpleMeterRegistry metrics,
            List<PostModelOutputsRequest> requests) throws Exception {
        DistributionSummary batches = metrics.find("runner.model.batch.size").tag("model", modelId).summary();
        io.micrometer.core.instrument.Timer waits =
                metrics.find("runner.model.queue.wait").tag("model", modelId).timer();
        double inputsBefore = batches.totalAmount();
        long batchesBefore = batches.count();
        double waitBefore = waits.totalTime(java.util.concurrent.TimeUnit.MICROSECONDS);
        long waitCountBefore = waits.count();
        Result on = measure("engine, " + CALLERS + " callers, batching on", CALLERS,
                i -> call(batching, requests.get(i % IMAGES)));
        double meanBatch = (batches.totalAmount() - inputsBefore) / (batches.count() - batchesBefore);
        double meanWait = (waits.totalTime(java.util.concurrent.TimeUnit.MICROSECONDS) - waitBefore)
                / Math.max(1, waits.count() - waitCountBefore);
        return new Result(on.phase(), on.perSecond(), on.p50Micros(), on.p99Micros(),
                String.format(Locale.ROOT, "mean batch %.1f, mean queue wait %.0f µs", meanBatch, meanWait));
    }

    private Result forward(ZooModel<NDList, NDList> model, Predictor<NDList, NDList> predictor, int batch)
            throws Exception {
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray tensor = manager.randomUniform(0, 1, new Shape(batch, 3, 32, 32));
            Result calls = measure("raw DJL, forward only, batch " + batch, 1, i -> {
                NDList out = predictor.predict(new NDList(tensor));
                out.singletonOrThrow().toFloatArray();
                out.close();
            });
            return new Result(calls.phase(), calls.perSecond() * batch, calls.p50Micros(), calls.p99Micros(),
                    "latency per call");
        }
    }

    private ExecutionEngine engine(int maxBatch, Duration delay, SimpleMeterRegistry registry) {
        return new ExecutionEngine(() -> folder, config(maxBatch, delay), new DeviceInventory(Optional::empty),
                new ExecutionMetrics(registry), Clock.systemUTC());
    }

    private static void call(ExecutionEngine engine, PostModelOutputsRequest request) {
        if (!engine.predict(request).getStatus().getCode().name().equals("SUCCESS")) {
            throw new IllegalStateException("the engine failed a benchmark input");
        }
    }

    @FunctionalInterface
    interface Call {
        void run(int iteration) throws Exception;
    }

    /** Runs {@code call} in a closed loop on {@code callers} threads: a warm-up of a third of the phase, then the phase. */
    private Result measure(String name, int callers, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<long[]>> latencies = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int offset = c;
            latencies.add(pool.submit(() -> {
                long[] recorded = new long[1 << 16];
                int count = 0;
                start.await();
                for (int i = offset; !stop.get(); i++) {
                    long began = System.nanoTime();
                    call.run(i);
                    if (measuring.get()) {
                        if (count == recorded.length) {
                            recorded = Arrays.copyOf(recorded, count * 2);
                        }
                        recorded[count++] = System.nanoTime() - began;
                    }
                }
                return Arrays.copyOf(recorded, count);
            }));
        }
        start.countDown();
        Thread.sleep(phase.toMillis() / 3);
        measuring.set(true);
        long began = System.nanoTime();
        Thread.sleep(phase.toMillis());
        measuring.set(false);
        double seconds = (System.nanoTime() - began) / 1e9;
        stop.set(true);
        List<Long> all = new ArrayList<>();
        for (Future<long[]> future : latencies) {
            for (long latency : future.get()) {
                all.add(latency);
            }
        }
        pool.shutdown();
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Result(name, sorted.length / seconds, percentile(sorted, 0.50) / 1e3,
                percentile(sorted, 0.99) / 1e3, "");
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    private static double[] scale(double[] values, double factor) {
        double[] scaled = values.clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= factor;
        }
        return scaled;
    }

    private static ExecutionConfig config(int maxBatch, Duration delay) {
        return new ExecutionConfig() {
            public long maxImagePixels() {
                return 50_000_000L;
            }

            public int queueCapacity() {
                return 1024;
            }

            public int defaultMaxBatchSize() {
                return maxBatch;
            }

            public Duration defaultMaxBatchDelay() {
                return delay;
            }

            public Duration timeout() {
                return Duration.ofSeconds(60);
            }

            public int warmupRounds() {
                return 2;
            }
        };
    }

    private static void print(String model, Duration phase, List<Result> results) {
        System.out.printf(Locale.ROOT, "%n## %s (median of %d rounds, %d s per phase, %d cores)%n%n", model, ROUNDS,
                phase.toSeconds(), Runtime.getRuntime().availableProcessors());
        System.out.println("| phase | inputs/s | p50 µs | p99 µs | note |");
        System.out.println("|---|---:|---:|---:|---|");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %s |%n", r.phase(), r.perSecond(),
                    r.p50Micros(), r.p99Micros(), r.note());
        }
        System.out.printf(Locale.ROOT, "%nRatios within each round (median first):%n");
        System.out.println("- engine serial / raw DJL serial: " + rounds(scale(RATIOS.get(0), 100), "%.1f%%"));
        System.out.printf(Locale.ROOT, "- engine serial / raw DJL serial, rates summed over all rounds: %.1f%%%n",
                100 * POOLED.get(0));
        System.out.println("- engine overhead per request, serial: " + rounds(RATIOS.get(1), "%.0f µs"));
        System.out.println("- preprocessing share of raw serial time: " + rounds(scale(RATIOS.get(2), 100), "%.0f%%"));
        System.out.println("- batching on / off, " + CALLERS + " callers, throughput: " + rounds(RATIOS.get(3), "%.2fx"));
        System.out.printf(Locale.ROOT, "- batching on / off, rates summed over all rounds: %.2fx%n", POOLED.get(1));
        System.out.println("- batching on / off, " + CALLERS + " callers, p50 latency: " + rounds(RATIOS.get(4), "%.2fx"));
    }
}
