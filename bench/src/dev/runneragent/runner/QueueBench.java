package dev.runneragent.runner;

import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.Output;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.PostRunnerItemOutputsRequest;
import com.clarifai.grpc.api.Runner;
import com.clarifai.grpc.api.RunnerItemOutput;
import com.clarifai.grpc.api.Text;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.runner.ItemStore.Leased;
import dev.runneragent.runner.ItemStore.Target;
import dev.runneragent.store.Db;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The runner hub's queue under load, outside Quarkus: the components the application wires ({@link Dispatcher},
 * {@link RunnerQueue}, {@link ItemReports}, {@link HubSignals}) on a pool sized like production's and migrated by
 * Flyway, on embedded H2 and on PostgreSQL, side by side in one run (see BENCHMARKS.md).
 *
 * <ul>
 *   <li>throughput: 256 callers keep one item each outstanding (PostModelOutputs through the dispatcher) while 1,
 *       8 or 64 runners long-poll, lease up to their capacity and report each item's result. Items/s counts callers
 *       answered; latency runs from submit to the caller's answer. On PostgreSQL a second replica listens, as in a
 *       deployment of two, and hears every signal;
 *   <li>wake-up: one runner waits in a long poll on an idle queue; the time from just before one item is submitted
 *       to the poll's answer. On PostgreSQL also across replicas: two sets of components on one schema, the poll on
 *       one and the submit on the other, so that the wake-up travels through LISTEN/NOTIFY.
 * </ul>
 *
 * <p>Usage: {@code QueueBench [seconds per phase] [h2] [postgresql]}, with {@code -Dbench.rounds} (default 5),
 * {@code -Dbench.postgres} (a JDBC URL; default the machine's database {@code test}) and {@code -Dbench.phases}
 * (only the phases whose name contains this text, for profiling one), {@code -Dbench.callers} (default 256) and
 * {@code -Dbench.notify=false} (PostgreSQL without LISTEN/NOTIFY and without the second replica: what signals cost).
 */
public final class QueueBench {

    private static final String USER = "bench-user";
    private static final String MODEL = "bench-model";
    private static final int CALLERS = Integer.getInteger("bench.callers", 256);
    private static final int[] RUNNERS = {1, 8, 64};
    private static final int[] CAPACITIES = {1, 8};
    private static final int WAKEUPS = 100;
    private static final int WARMUP_WAKEUPS = 10;
    private static final long STUCK_SECONDS = 30;
    /** False: PostgreSQL without LISTEN/NOTIFY, one replica alone (a diagnostic: what the signals cost). */
    private static final boolean NOTIFY = Boolean.parseBoolean(System.getProperty("bench.notify", "true"));
    private static final PostModelOutputsRequest REQUEST = PostModelOutputsRequest.newBuilder()
            .setModelId(MODEL)
            .addInputs(Input.newBuilder().setId("bench-input").setData(text("what is this?")))
            .build();
    private static final HubConfig CONFIG = new HubConfig() {
        public Duration longPoll() {
            return Duration.ofSeconds(20);
        }

        public Duration lease() {
            return Duration.ofSeconds(60);
        }

        public int maxAttempts() {
            return 3;
        }

        public Duration dispatchTimeout() {
            return Duration.ofSeconds(60);
        }

        public Duration sweepInterval() {
            return Duration.ofSeconds(1);
        }

        public Duration retention() {
            return Duration.ofHours(1);
        }

        public int maxCapacity() {
            return 128;
        }
    };

    /**
     * What one phase measured in one round: its rate (throughput phases), latencies in ns, sorted (submit to
     * answer, or submit to wake-up), callers answered (wake-up phases), and what else it saw.
     */
    record Sample(double perSecond, long[] nanos, long[] answers, String note) {}

    /** One measurement, repeated in every round. */
    record Phase(String name, boolean wakeup, Callable<Sample> run) {}

    private final Duration phase;
    private final int rounds;

    private QueueBench(Duration phase, int rounds) {
        this.phase = phase;
        this.rounds = rounds;
    }

    public static void main(String[] args) throws Exception {
        // Unconfigured, the JBoss log manager's root level is ALL, and the PostgreSQL driver then builds a record for
        // every statement it sends. The application runs at INFO.
        java.util.logging.Logger.getLogger("").setLevel(Level.INFO);
        Duration phase = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 10);
        List<String> stores = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("h2", "postgresql");
        QueueBench bench = new QueueBench(phase, Integer.getInteger("bench.rounds", 5));
        List<Database> databases = new ArrayList<>();
        List<Hub> hubs = new ArrayList<>();
        List<String> described = new ArrayList<>();
        try {
            List<Phase> phases = new ArrayList<>();
            for (String store : stores) {
                Database database = store.equalsIgnoreCase("h2")
                        ? Database.h2()
                        : Database.postgres(System.getProperty(
                                "bench.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"));
                databases.add(database);
                Hub hub = new Hub(database);
                hubs.add(hub);
                described.add(database.describe(hub));
                Hub replica = database.postgres && NOTIFY ? new Hub(database) : null;
                if (replica != null) {
                    hubs.add(replica);
                }
                String only = System.getProperty("bench.phases", "").toLowerCase(Locale.ROOT);
                bench.phases(database, hub, replica).stream()
                        .filter(p -> p.name().toLowerCase(Locale.ROOT).contains(only))
                        .forEach(phases::add);
            }
            Map<String, List<Sample>> samples = bench.run(phases);
            bench.print(databases, described, phases, samples);
        } finally {
            for (Hub hub : hubs) {
                hub.close();
            }
            for (Database database : databases) {
                database.close();
            }
        }
    }

    private List<Phase> phases(Database database, Hub hub, Hub replica) {
        for (int r = 0; r < RUNNERS[RUNNERS.length - 1]; r++) {
            hub.register("runner-" + r);
        }
        hub.register("waker");
        List<Phase> phases = new ArrayList<>();
        for (int runners : RUNNERS) {
            for (int capacity : CAPACITIES) {
                String name = String.format(
                        Locale.ROOT, "%s, %d runner%s, capacity %d", database.name, runners, runners == 1 ? "" : "s",
                        capacity);
                phases.add(new Phase(name, false, () -> throughput(hub, runners, capacity)));
            }
        }
        phases.add(new Phase(database.name + ", wake-up in process", true, () -> wakeups(hub, hub)));
        if (replica != null) {
            phases.add(new Phase(
                    database.name + ", wake-up across replicas (LISTEN/NOTIFY)", true, () -> wakeups(hub, replica)));
        }
        return phases;
    }

    /** Every phase once per round; every other round in reverse order, so that drift falls on all phases alike. */
    private Map<String, List<Sample>> run(List<Phase> phases) throws Exception {
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        phases.forEach(p -> samples.put(p.name(), new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            List<Phase> order = new ArrayList<>(phases);
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (Phase p : order) {
                Sample sample = p.run().call();
                samples.get(p.name()).add(sample);
                System.err.printf(Locale.ROOT, "round %d: %s: %.0f/s, p50 %.2f ms%s%n", round + 1, p.name(),
                        sample.perSecond(), millis(sample.nanos(), 0.5),
                        sample.note().isEmpty() ? "" : "; " + sample.note());
            }
        }
        return samples;
    }

    // ---- throughput ----------------------------------------------------------------------------------------------

    private Sample throughput(Hub hub, int runnerCount, int capacity) throws Exception {
        hub.purge();
        Problems problems = new Problems();
        AtomicBoolean submitting = new AtomicBoolean(true);
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stopped = new AtomicBoolean();
        Semaphore callers = new Semaphore(CALLERS);
        Recorder latencies = new Recorder();
        LongAdder polls = new LongAdder();
        LongAdder leased = new LongAdder();
        List<AtomicReference<CompletableFuture<List<Leased>>>> current = new ArrayList<>();
        ExecutorService runnerThreads = Executors.newFixedThreadPool(runnerCount, HubExecutors.named("bench-runner"));
        for (int r = 0; r < runnerCount; r++) {
            RunnerProfile runner = profile("runner-" + r, capacity);
            AtomicReference<CompletableFuture<List<Leased>>> poll = new AtomicReference<>();
            current.add(poll);
            runnerThreads.execute(() -> serve(hub, runner, poll, stopped, measuring, polls, leased, problems));
        }
        ExecutorService submitters = Executors.newSingleThreadExecutor(HubExecutors.named("bench-caller"));
        submitters.execute(() -> submit(hub, submitting, measuring, callers, latencies, problems));
        Thread.sleep(phase.toMillis() / 3);
        Cpu before = Cpu.now(hub);
        long callsBefore = hub.calls.sum();
        measuring.set(true);
        long began = System.nanoTime();
        Thread.sleep(phase.toMillis());
        measuring.set(false);
        double seconds = (System.nanoTime() - began) / 1e9;
        long calls = hub.calls.sum() - callsBefore;
        Cpu used = Cpu.now(hub).minus(before);
        submitting.set(false);
        submitters.shutdown();
        submitters.awaitTermination(STUCK_SECONDS, TimeUnit.SECONDS);
        // Every caller answered, then no item is left to lease: ending the runners' polls loses nothing.
        if (!callers.tryAcquire(CALLERS, STUCK_SECONDS, TimeUnit.SECONDS)) {
            problems.add("callers still unanswered " + STUCK_SECONDS + " s after the phase: "
                    + (CALLERS - callers.availablePermits()));
        }
        stopped.set(true);
        current.forEach(poll -> Stream.ofNullable(poll.get()).forEach(f -> f.complete(List.of())));
        runnerThreads.shutdown();
        if (!runnerThreads.awaitTermination(STUCK_SECONDS, TimeUnit.SECONDS)) {
            problems.add("runners still busy " + STUCK_SECONDS + " s after the phase");
        }
        long unfinished = hub.unfinished();
        if (unfinished > 0) {
            problems.add(unfinished + " item(s) left pending or leased after the phase");
        }
        long[] sorted = latencies.sorted();
        int answered = Math.max(1, sorted.length);
        String server = used.server() < 0
                ? ""
                : String.format(Locale.ROOT, ", PostgreSQL %.0f µs", used.server() / 1e3 / answered);
        String note = String.format(Locale.ROOT, "%.1f items/poll, %.1f store calls/item, CPU/item: JVM %.0f µs%s",
                leased.sum() / (double) Math.max(1, polls.sum()), calls / (double) answered,
                used.jvm() / 1e3 / answered, server);
        return new Sample(sorted.length / seconds, sorted, new long[0], problems.append(note));
    }

    /**
     * The callers: keeps submitting while a caller is free ({@code callers} holds a permit per caller); each answer
     * frees its caller. Callers wait without a thread, as the node's PostModelOutputs endpoint does.
     */
    private static void submit(Hub hub, AtomicBoolean submitting, AtomicBoolean measuring, Semaphore callers,
            Recorder latencies, Problems problems) {
        try {
            while (submitting.get()) {
                if (!callers.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                long began = System.nanoTime();
                hub.dispatcher
                        .submitAsync(USER, REQUEST, Target.ANY, Resources.NONE, CONFIG.dispatchTimeout())
                        .whenComplete((response, error) -> {
                            if (error != null) {
                                problems.add("caller failed: " + error);
                            } else if (response.getStatus().getCode() != StatusCode.SUCCESS) {
                                problems.add("caller answered " + response.getStatus().getCode());
                            } else if (measuring.get()) {
                                latencies.add(System.nanoTime() - began);
                            }
                            callers.release();
                        });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A runner's side: long-polls, then reports each leased item's result, until stopped. */
    private static void serve(Hub hub, RunnerProfile runner, AtomicReference<CompletableFuture<List<Leased>>> current,
            AtomicBoolean stopped, AtomicBoolean measuring, LongAdder polls, LongAdder leased, Problems problems) {
        while (!stopped.get()) {
            CompletableFuture<List<Leased>> poll = hub.queue.poll(runner);
            current.set(poll);
            if (stopped.get()) {
                poll.complete(List.of());
            }
            List<Leased> items;
            try {
                items = poll.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                problems.add("poll failed: " + e.getCause());
                continue;
            }
            if (measuring.get()) {
                polls.increment();
                leased.add(items.size());
            }
            // A runner works the items of a poll side by side (one per worker, as the agent does) and reports each
            // as it is done; then it polls again.
            List<CompletableFuture<?>> reported = new ArrayList<>();
            for (Leased item : items) {
                try {
                    reported.add(hub.reports.reportAsync(runner, result(item)).exceptionally(e -> {
                        problems.add("report failed: " + e);
                        return null;
                    }));
                } catch (RuntimeException e) {
                    problems.add("report failed: " + e);
                }
            }
            reported.forEach(CompletableFuture::join);
        }
    }

    // ---- wake-up -------------------------------------------------------------------------------------------------

    /**
     * A runner waits on {@code pollOn}, an item is submitted on {@code submitOn}: the time from just before the
     * submit to the poll's answer, and to the caller's answer once the runner reported.
     */
    private Sample wakeups(Hub submitOn, Hub pollOn) throws Exception {
        submitOn.purge();
        RunnerProfile runner = profile("waker", 1);
        Problems problems = new Problems();
        long[] woken = new long[WAKEUPS];
        long[] answered = new long[WAKEUPS];
        int count = 0;
        for (int i = 0; i < WARMUP_WAKEUPS + WAKEUPS; i++) {
            CompletableFuture<List<Leased>> poll = pollOn.queue.poll(runner);
            if (poll.isDone()) {
                problems.add("a poll on the idle queue was answered at once");
                poll.join().forEach(item -> pollOn.reports.report(runner, result(item)));
                continue;
            }
            CompletableFuture<Long> wokenAt = poll.thenApply(items -> System.nanoTime());
            Thread.sleep(2); // the poll waits on an idle queue
            long began = System.nanoTime();
            CompletableFuture<MultiOutputResponse> caller =
                    submitOn.dispatcher.submit(USER, REQUEST, Target.ANY, Resources.NONE, CONFIG.dispatchTimeout());
            try {
                long woke = wokenAt.get(STUCK_SECONDS, TimeUnit.SECONDS) - began;
                for (Leased item : poll.join()) {
                    pollOn.reports.report(runner, result(item));
                }
                caller.get(STUCK_SECONDS, TimeUnit.SECONDS);
                if (i >= WARMUP_WAKEUPS) {
                    woken[count] = woke;
                    answered[count++] = System.nanoTime() - began;
                }
            } catch (TimeoutException e) {
                problems.add((poll.isDone() ? "caller not answered" : "poll not woken") + " within " + STUCK_SECONDS
                        + " s");
                poll.complete(List.of());
                caller.cancel(false); // cancels the item
            }
        }
        long[] wakes = Arrays.copyOf(woken, count);
        long[] answers = Arrays.copyOf(answered, count);
        Arrays.sort(wakes);
        Arrays.sort(answers);
        return new Sample(0, wakes, answers, problems.append(""));
    }

    // ---- the runner's and the caller's messages ------------------------------------------------------------------

    private static RunnerProfile profile(String runnerId, int capacity) {
        return new RunnerProfile(USER, runnerId, MODEL, "", "", "", List.of(), capacity, null);
    }

    private static PostRunnerItemOutputsRequest result(Leased item) {
        MultiOutputResponse.Builder response =
                MultiOutputResponse.newBuilder().setStatus(Status.newBuilder().setCode(StatusCode.SUCCESS));
        for (Input input : item.request().getInputsList()) {
            response.addOutputs(Output.newBuilder()
                    .setStatus(Status.newBuilder().setCode(StatusCode.SUCCESS))
                    .setInput(Input.newBuilder().setId(input.getId()))
                    .setData(text("a benchmark answer")));
        }
        return PostRunnerItemOutputsRequest.newBuilder()
                .setRunnerItemId(item.id())
                .addRunnerItemOutputs(RunnerItemOutput.newBuilder().setMultiOutputResponse(response))
                .build();
    }

    private static Data text(String raw) {
        return Data.newBuilder().setText(Text.newBuilder().setRaw(raw)).build();
    }

    // ---- stores and components -----------------------------------------------------------------------------------

    /** One database for the run: a fresh H2 folder or a fresh PostgreSQL schema, removed at the end. */
    static final class Database implements AutoCloseable {
        final String name;
        final boolean postgres;
        final String url;
        private final String adminUrl;
        private final String schema;
        private final Path folder;

        private Database(String name, boolean postgres, String url, String adminUrl, String schema, Path folder) {
            this.name = name;
            this.postgres = postgres;
            this.url = url;
            this.adminUrl = adminUrl;
            this.schema = schema;
            this.folder = folder;
        }

        static Database h2() throws IOException {
            Path folder = Files.createTempDirectory("queue-bench-");
            return new Database("H2", false, "jdbc:h2:file:" + folder + "/store;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                    + "DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0", null, null, folder); // as the node's own URL
        }

        static Database postgres(String adminUrl) throws SQLException {
            String schema = "b_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            String url = adminUrl + (adminUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema
                    + "&ApplicationName=" + schema;
            return new Database("PostgreSQL", true, url, adminUrl, schema, null);
        }

        /** The server and the settings that decide what a commit costs. */
        String describe(Hub hub) {
            return hub.db.read(c -> {
                String version = c.getMetaData().getDatabaseProductVersion();
                if (!postgres) {
                    return "H2 " + version + " (file, in process)";
                }
                try (Statement s = c.createStatement();
                        ResultSet rows = s.executeQuery("SELECT current_setting('synchronous_commit'),"
                                + " current_setting('fsync'), current_setting('max_connections')")) {
                    rows.next();
                    return "PostgreSQL " + version + " (" + adminUrl.replaceAll("\\?.*", "") + ", synchronous_commit "
                            + rows.getString(1) + ", fsync " + rows.getString(2) + ", max_connections "
                            + rows.getString(3) + ")";
                }
            });
        }

        @Override
        public void close() throws IOException, SQLException {
            if (postgres) {
                try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA " + schema + " CASCADE");
                }
                return;
            }
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** One replica: the hub's components as the application wires them, on their own pool. */
    static final class Hub implements AutoCloseable {
        final LongAdder calls = new LongAdder();
        final String applicationName;
        final boolean local;
        final AgroalDataSource pool;
        final Db db;
        final ItemStore items;
        final RunnerStore runners;
        final HubSignals signals;
        final HubExecutors executors = new HubExecutors();
        final RunnerQueue queue;
        final ItemReports reports;
        final Dispatcher dispatcher;

        Hub(Database database) throws SQLException {
            applicationName = database.schema;
            local = database.postgres && database.url.matches("jdbc:postgresql://(127\\.0\\.0\\.1|localhost)[:/].*");
            // Production's sizes (application.properties) and Quarkus's acquisition timeout.
            pool = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                    .connectionPoolConfiguration(p -> p.maxSize(database.postgres ? 32 : 16)
                            .acquisitionTimeout(Duration.ofSeconds(5))
                            .connectionFactoryConfiguration(f -> database.postgres
                                    ? f.jdbcUrl(database.url)
                                    : f.jdbcUrl(database.url).principal(new NamePrincipal("sa")))));
            // As the application does (quarkus.flyway.pg.locations): PostgreSQL has migrations of its own too.
            String[] locations = database.postgres
                    ? new String[] {"classpath:db/migration", "classpath:db/postgresql"}
                    : new String[] {"classpath:db/migration"};
            Flyway.configure().dataSource(pool).locations(locations).load().migrate();
            db = new Db(new Counting(pool, calls));
            items = new ItemStore(db);
            runners = new RunnerStore(db);
            signals = new HubSignals(database.postgres && NOTIFY, database.url);
            signals.start();
            Clock clock = Clock.systemUTC();
            HubMetrics metrics = new HubMetrics(new SimpleMeterRegistry());
            queue = new RunnerQueue(db, items, runners, signals, executors, metrics, CONFIG, clock);
            reports = new ItemReports(db, items, queue, signals, CONFIG, clock);
            dispatcher = new Dispatcher(db, items, queue, signals, executors, CONFIG, clock);
        }

        void register(String runnerId) {
            db.inTransaction(c -> runners.insert(c, Runner.newBuilder().setId(runnerId).build(),
                    profile(runnerId, 1), Instant.now()));
        }

        /** Deletes finished items, as the sweeper does after the retention, so that each phase starts alike. */
        void purge() {
            db.inTransaction(c -> items.purge(c, Instant.now().plusSeconds(1)));
        }

        long unfinished() {
            return db.read(c -> {
                try (Statement s = c.createStatement();
                        ResultSet rows = s.executeQuery(
                                "SELECT COUNT(*) FROM runner_items WHERE state IN ('PENDING', 'LEASED')")) {
                    rows.next();
                    return rows.getLong(1);
                }
            });
        }

        @Override
        public void close() {
            reports.close();
            queue.close();
            executors.close();
            signals.close();
            pool.close();
        }
    }

    /** Counts the connections the store takes: one per transaction or read. */
    private record Counting(DataSource target, LongAdder calls) implements DataSource {
        public Connection getConnection() throws SQLException {
            calls.increment();
            return target.getConnection();
        }

        public Connection getConnection(String user, String password) throws SQLException {
            calls.increment();
            return target.getConnection(user, password);
        }

        public PrintWriter getLogWriter() throws SQLException {
            return target.getLogWriter();
        }

        public void setLogWriter(PrintWriter out) throws SQLException {
            target.setLogWriter(out);
        }

        public void setLoginTimeout(int seconds) throws SQLException {
            target.setLoginTimeout(seconds);
        }

        public int getLoginTimeout() throws SQLException {
            return target.getLoginTimeout();
        }

        public Logger getParentLogger() {
            return Logger.getLogger("dev.runneragent");
        }

        public <T> T unwrap(Class<T> type) throws SQLException {
            return target.unwrap(type);
        }

        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return target.isWrapperFor(type);
        }
    }

    /**
     * CPU time in ns: this JVM's, and that of the PostgreSQL backends serving this run (-1 unless the server runs on
     * this machine), found by the application name the run's connections carry.
     */
    record Cpu(long jvm, long server) {
        private static final long TICK_NANOS = 1_000_000_000L / clockTicks();

        static Cpu now(Hub hub) {
            long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            if (!hub.local) {
                return new Cpu(jvm, -1);
            }
            List<Long> pids = hub.db.read(c -> {
                List<Long> found = new ArrayList<>();
                try (PreparedStatement select =
                        c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
                    select.setString(1, hub.applicationName);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            found.add(rows.getLong(1));
                        }
                    }
                }
                return found;
            });
            long ticks = 0;
            for (long pid : pids) {
                try {
                    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                } catch (IOException | RuntimeException e) {
                    return new Cpu(jvm, -1);
                }
            }
            return new Cpu(jvm, ticks * TICK_NANOS);
        }

        Cpu minus(Cpu before) {
            return new Cpu(jvm - before.jvm, server < 0 || before.server < 0 ? -1 : server - before.server);
        }

        private static long clockTicks() {
            try {
                Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
                return Long.parseLong(new String(getconf.getInputStream().readAllBytes()).trim());
            } catch (IOException | RuntimeException e) {
                return 100;
            }
        }
    }

    // ---- recording -----------------------------------------------------------------------------------------------

    /** Latencies from many threads. */
    private static final class Recorder {
        private long[] values = new long[1 << 16];
        private int count;

        synchronized void add(long nanos) {
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
            }
            values[count++] = nanos;
        }

        synchronized long[] sorted() {
            long[] sorted = Arrays.copyOf(values, count);
            Arrays.sort(sorted);
            return sorted;
        }
    }

    /** What went wrong in a phase, counted by kind. */
    private static final class Problems {
        private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

        void add(String problem) {
            counts.computeIfAbsent(problem, p -> new AtomicLong()).incrementAndGet();
        }

        String append(String note) {
            StringBuilder all = new StringBuilder(note);
            counts.forEach((problem, count) ->
                    all.append(all.isEmpty() ? "" : "; ").append("**").append(count).append("x ").append(problem)
                            .append("**"));
            return all.toString();
        }
    }

    // ---- report --------------------------------------------------------------------------------------------------

    private void print(List<Database> databases, List<String> described, List<Phase> phases,
            Map<String, List<Sample>> samples) {
        line("%n## Runner queue (%d rounds, %d s per phase, %d cores)%n", rounds, phase.toSeconds(),
                Runtime.getRuntime().availableProcessors());
        line("Command: %s", System.getProperty("bench.command", "QueueBench " + phase.toSeconds()));
        line("Java %s%s", System.getProperty("java.version"),
                NOTIFY ? "" : "; **PostgreSQL without LISTEN/NOTIFY or a second replica (bench.notify=false)**");
        described.forEach(store -> line("- %s", store));
        line("%n### Throughput: %d callers with one item each outstanding; the median round%s%n", CALLERS,
                NOTIFY ? " (on PostgreSQL, a second replica listens)" : "");
        line("| phase | items/s | p50 ms | p99 ms | note (rounds in items/s, sorted) |");
        line("|---|---:|---:|---:|---|");
        for (Phase p : phases) {
            if (p.wakeup()) {
                continue;
            }
            List<Sample> all = samples.get(p.name()).stream()
                    .sorted(Comparator.comparingDouble(Sample::perSecond)).toList();
            Sample median = all.get(all.size() / 2);
            line("| %s | %.0f | %.1f | %.1f | %s; rounds: %s |", p.name(), median.perSecond(),
                    millis(median.nanos(), 0.5), millis(median.nanos(), 0.99), median.note(),
                    all.stream().map(s -> String.format(Locale.ROOT, "%.0f", s.perSecond())).toList());
        }
        line("%n### Wake-up of a waiting long poll: submit to the poll's answer, all rounds pooled%n");
        line("| phase | wake-ups | p50 ms | p90 ms | p99 ms | max ms | caller answered, p50 / p99 ms | note |");
        line("|---|---:|---:|---:|---:|---:|---:|---|");
        for (Phase p : phases) {
            if (!p.wakeup()) {
                continue;
            }
            List<Sample> all = samples.get(p.name());
            long[] wakes = pooled(all, Sample::nanos);
            long[] answers = pooled(all, Sample::answers);
            String notes = String.join("; ", all.stream().map(Sample::note).filter(n -> !n.isEmpty()).toList());
            line("| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f / %.2f | %s |", p.name(), wakes.length,
                    millis(wakes, 0.5), millis(wakes, 0.9), millis(wakes, 0.99), millis(wakes, 1),
                    millis(answers, 0.5), millis(answers, 0.99), notes);
        }
        line("%nRatios within each round (median first):");
        for (int runners : RUNNERS) {
            for (int capacity : CAPACITIES) {
                String suffix = String.format(Locale.ROOT, ", %d runner%s, capacity %d", runners,
                        runners == 1 ? "" : "s", capacity);
                ratio(samples, "PostgreSQL / H2" + suffix, "PostgreSQL" + suffix, "H2" + suffix);
            }
        }
        for (Database database : databases) {
            for (int runners : RUNNERS) {
                String prefix = String.format(Locale.ROOT, "%s, %d runner%s, capacity ", database.name, runners,
                        runners == 1 ? "" : "s");
                ratio(samples, prefix + "8 / 1", prefix + CAPACITIES[1], prefix + CAPACITIES[0]);
            }
        }
        target(samples);
    }

    private static void ratio(Map<String, List<Sample>> samples, String label, String top, String bottom) {
        List<Sample> over = samples.get(top);
        List<Sample> under = samples.get(bottom);
        if (over == null || under == null) {
            return;
        }
        double[] each = new double[over.size()];
        for (int i = 0; i < each.length; i++) {
            each[i] = over.get(i).perSecond() / under.get(i).perSecond();
        }
        double[] sorted = each.clone();
        Arrays.sort(sorted);
        line("- %s, items/s: %.2fx (rounds: %s)", label, sorted[sorted.length / 2],
                Arrays.stream(each).mapToObj(r -> String.format(Locale.ROOT, "%.2f", r)).toList());
    }

    private static void target(Map<String, List<Sample>> samples) {
        line("%nTargets on this machine:");
        for (int capacity : CAPACITIES) {
            List<Sample> pg = samples.get("PostgreSQL, 8 runners, capacity " + capacity);
            if (pg != null) {
                double median = median(pg, Sample::perSecond);
                line("- PostgreSQL, 8 runners, capacity %d: %.0f items/s (target at least 5000: %s)", capacity,
                        median, median >= 5000 ? "met" : "missed");
            }
        }
        samples.forEach((name, all) -> {
            if (name.contains("wake-up")) {
                double p50 = millis(pooled(all, Sample::nanos), 0.5);
                line("- %s: p50 %.2f ms (target under 5 ms: %s)", name, p50, p50 < 5 ? "met" : "missed");
            }
        });
    }

    private static double median(List<Sample> samples, ToDoubleFunction<Sample> value) {
        double[] values = samples.stream().mapToDouble(value).sorted().toArray();
        return values[values.length / 2];
    }

    private static long[] pooled(List<Sample> samples, java.util.function.Function<Sample, long[]> part) {
        return samples.stream().flatMapToLong(s -> Arrays.stream(part.apply(s))).sorted().toArray();
    }

    private static double millis(long[] sorted, double q) {
        return sorted.length == 0
                ? Double.NaN
                : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
    }

    private static void line(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
