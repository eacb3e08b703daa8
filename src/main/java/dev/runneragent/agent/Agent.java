package dev.runneragent.agent;

import com.clarifai.grpc.api.ComputeInfo;
import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.MultiRunnerItemResponse;
import com.clarifai.grpc.api.Nodepool;
import com.clarifai.grpc.api.PostRunnerItemOutputsRequest;
import com.clarifai.grpc.api.PostRunnersRequest;
import com.clarifai.grpc.api.Runner;
import com.clarifai.grpc.api.RunnerItem;
import com.clarifai.grpc.api.RunnerItemOutput;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.runneragent.execution.ExecutionEngine;
import dev.runneragent.execution.ModelFolder;
import dev.runneragent.execution.Placement;
import dev.runneragent.execution.Requirements;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node as a runner of an upstream hub, when {@code runner.agent.control-plane-url} is set.
 *
 * <ul>
 *   <li><b>Start.</b> The node's devices must meet the nodepool's computeInfo, or the node does not start. The agent
 *       finds its runner from an earlier start, or registers it advertising the models it serves (loaded and warmed
 *       before the node starts).
 *   <li><b>Pull.</b> {@code runner.agent.pull-loops} long polls, each leasing up to {@code runner.agent.capacity}
 *       items and running them side by side on the engine; a loop polls only while the engine's queues have room
 *       ({@link Pacing}). An empty poll is followed by the next at once; failures back off with jitter; a refused key
 *       stops the loops and makes the node unready.
 *   <li><b>Leases.</b> {@link Leases} renews the lease of each item in flight and cancels the local work of an item
 *       whose lease is lost.
 *   <li><b>Outbox.</b> Outputs are kept in the node's store before they are posted, and posted again until the hub
 *       takes them, also after a restart ({@link Outbox}).
 *   <li><b>Drain.</b> On shutdown the loops stop pulling, items in flight get {@code runner.agent.drain-timeout} to
 *       finish, what is still running is handed back, the outbox is flushed, and with
 *       {@code runner.agent.deregister-on-exit} the runner is deleted.
 * </ul>
 */
@ApplicationScoped
public class Agent {

    /** What the agent is doing, for health. */
    public enum State {
        OFF,
        REGISTERING,
        PULLING,
        STOPPED,
        DRAINING
    }

    /**
     * Extra time after the drain timeout for handing back, flushing the outbox and deregistering, all together: a
     * slow or unreachable hub cannot hold the node past it.
     */
    private static final Duration FLUSH_GRACE = Duration.ofSeconds(5);

    private static final int MAX_RUNNER_ID = 128;

    private final AgentConfig config;
    private final Upstream upstream;
    private final ExecutionEngine engine;
    private final Outbox outbox;
    private final AgentMetrics metrics;
    private final Leases leases;
    private final Pacing pacing;
    /** Items whose results are being posted now, so that the flusher and a pull loop never post one twice at once. */
    private final Set<String> delivering = ConcurrentHashMap.newKeySet();
    /** The engine calls of the pull loops, on threads of their own, so that a lost lease can cancel one. */
    private final ExecutorService runs;
    /** The second and later items of one poll, worked on beside the first (which runs on its loop's thread). */
    private final ExecutorService siblings;

    private final AtomicReference<State> state = new AtomicReference<>(State.OFF);
    private volatile String problem = "";
    /** False once the node stops, or the key was refused: no new poll starts. */
    private volatile boolean pulling;

    private volatile String runnerId;
    /** When the upstream last answered anything (System.nanoTime), for readiness. */
    private volatile long lastAnswer;
    /** When each pull loop last moved, for liveness. */
    private volatile AtomicLongArray loopBeats = new AtomicLongArray(0);

    @Inject
    public Agent(AgentConfig config, Upstream upstream, ExecutionEngine engine, Outbox outbox, AgentMetrics metrics) {
        this.config = config;
        this.upstream = upstream;
        this.engine = engine;
        this.outbox = outbox;
        this.metrics = metrics;
        this.leases = new Leases(upstream, metrics, config.lease(), config.leaseRenewal());
        this.pacing = new Pacing(engine::busiestQueue, 10);
        this.runs = daemonThreads("agent-run-");
        this.siblings = daemonThreads("agent-item-");
    }

    /** A cached pool of daemon threads named {@code prefix} and a number: they never hold the JVM at exit. */
    private static ExecutorService daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    void onStart(@Observes StartupEvent started) {
        if (!enabled()) {
            return;
        }
        if (config.capacity() < 1) {
            throw new IllegalStateException("runner.agent.capacity must be at least 1, got " + config.capacity());
        }
        checkNodepool(); // before anything is registered: a node that cannot serve the nodepool does not start
        String configured = config.runnerId().filter(id -> !id.isBlank()).orElse(null);
        runnerId = configured == null ? nodeName() : runnerIdOf(configured);
        if (configured != null && !configured.equals(runnerId)) {
            Log.infof(
                    "Agent: runner.agent.runner-id '%s' is not a runner id (letters, digits, '_', '-', at most 128);"
                            + " using '%s'",
                    configured, runnerId);
        }
        outbox.recount();
        metrics.gauges(outbox::depth, leases::size);
        pulling = true;
        state.set(State.REGISTERING);
        Thread starter = new Thread(this::registerThenPull, "agent-start");
        starter.setDaemon(true);
        starter.start();
    }

    private boolean enabled() {
        return config.controlPlaneUrl().filter(url -> !url.isBlank()).isPresent();
    }

    /** The nodepool's computeInfo as a message, from {@code runner.agent.compute-info.*}. */
    ComputeInfo nodepoolComputeInfo() {
        AgentConfig.ComputeInfo given = config.computeInfo();
        ComputeInfo.Builder info = ComputeInfo.newBuilder();
        given.numAccelerators().ifPresent(info::setNumAccelerators);
        given.acceleratorMemory().ifPresent(info::setAcceleratorMemory);
        given.acceleratorType().ifPresent(info::addAllAcceleratorType);
        given.cpuMemory().ifPresent(info::setCpuMemory);
        return info.build();
    }

    /**
     * Refuses to start, naming the missing resource, when this node's devices cannot meet the nodepool's
     * computeInfo.
     */
    private void checkNodepool() {
        Requirements need;
        try {
            need = Requirements.of(
                    nodepoolComputeInfo(), config.computeInfo().cpuLimit().orElse(null));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("runner.agent.compute-info: " + e.getMessage(), e);
        }
        if (Placement.match(need, engine.inventory()) instanceof Placement.Shortfall shortfall) {
            throw new IllegalStateException("This node cannot serve nodepool '" + config.nodepoolId()
                    + "': its computeInfo (runner.agent.compute-info.*) " + shortfall.message()
                    + (engine.inventory().simulated() ? " (a simulated inventory)" : ""));
        }
    }

    /**
     * Drains (SIGTERM, or any stop of the node): no new poll, items in flight get {@code runner.agent.drain-timeout}
     * to finish, what still runs then is handed back, the outbox is flushed, and the runner is deleted if so
     * configured. Runs before the node's store and engine close.
     */
    void onStop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent stopping) {
        pulling = false;
        if (!enabled() || runnerId == null) {
            return;
        }
        State before = state.getAndSet(State.DRAINING);
        long started = System.nanoTime();
        long deadline = started + config.drainTimeout().toNanos();
        Log.infof(
                "Agent: draining (was %s): %d item(s) in flight get %s to finish",
                before, leases.size(), config.drainTimeout());
        while (leases.size() > 0 && System.nanoTime() < deadline) {
            sleep(20);
        }
        // From here on, FLUSH_GRACE bounds everything together, whatever the hub does: each step runs on a thread of
        // its own and is left behind (not interrupted: it may be writing the store) when the time is up.
        long graceDeadline = System.nanoTime() + FLUSH_GRACE.toNanos();
        List<Future<?>> handBacks = new ArrayList<>();
        for (Leases.Held item : leases.all()) {
            if (item.lose("the node is shutting down")) {
                handBacks.add(runs.submit(() -> handBack(item.itemId)));
            }
        }
        for (Future<?> handBack : handBacks) {
            within(graceDeadline, handBack, null);
        }
        long unanswered =
                handBacks.stream().filter(handBack -> !handBack.isDone()).count();
        if (unanswered > 0) {
            Log.warnf(
                    "Agent: %d hand-back(s) got no answer within the drain's grace of %s; their leases will expire",
                    unanswered, FLUSH_GRACE);
        }
        leases.stop();
        Integer left = before == State.PULLING
                ? within(graceDeadline, runs.submit(() -> flushUntil(graceDeadline)), "flushing the outbox")
                : Integer.valueOf(0);
        if (config.deregisterOnExit() && before != State.REGISTERING) {
            within(
                    graceDeadline,
                    runs.submit(() -> {
                        try {
                            upstream.deleteRunners(List.of(runnerId));
                            Log.infof("Agent: deleted runner %s (runner.agent.deregister-on-exit)", runnerId);
                        } catch (RuntimeException e) {
                            Log.warnf("Agent: runner %s could not be deleted: %s", runnerId, e.getMessage());
                        }
                    }),
                    "deleting the runner");
        }
        Log.infof(
                "Agent: drained in %d ms: %d item(s) handed back, %s result(s) left in the outbox for the next start",
                Duration.ofNanos(System.nanoTime() - started).toMillis(),
                handBacks.size(),
                left == null ? "some" : left.toString());
    }

    /**
     * Waits for {@code step} until {@code deadline}; answers its result, or null when it failed or ran out of time,
     * which is logged unless {@code what} is null.
     */
    private static <T> T within(long deadline, Future<T> step, String what) {
        try {
            return step.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (what != null) {
                Log.warnf("Agent: %s did not finish within the drain's grace of %s; leaving it", what, FLUSH_GRACE);
            }
        } catch (ExecutionException e) {
            if (what != null) {
                Log.warnf("Agent: %s failed: %s", what, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** Posts what the outbox holds until it is empty, the hub cannot be reached, or {@code deadline}; answers what is left. */
    private int flushUntil(long deadline) {
        try {
            for (Outbox.Entry entry : outbox.pending(runnerId, 1000)) {
                if (System.nanoTime() > deadline) {
                    break;
                }
                while (deliver(entry) == Delivery.BUSY && System.nanoTime() < deadline) {
                    sleep(10); // a loop posts it now
                }
            }
            outbox.settle(); // what the hub took leaves the store now, not after a restart's repeat posts
            return outbox.pending(runnerId, 1000).size();
        } catch (RuntimeException e) {
            Log.warnf("Agent: the outbox could not be flushed: %s", e.getMessage());
            return -1;
        }
    }

    public State state() {
        return state.get();
    }

    /** Why the agent is not pulling, or empty. */
    public String problem() {
        return problem;
    }

    public String runnerId() {
        return runnerId;
    }

    /** Time since the upstream last answered anything; null before it ever did. */
    public Duration sinceLastAnswer() {
        long last = lastAnswer;
        return last == 0 ? null : Duration.ofNanos(System.nanoTime() - last);
    }

    /** The longest time any pull loop has not moved; zero when no loop runs. */
    public Duration longestStall() {
        AtomicLongArray beats = loopBeats;
        long now = System.nanoTime();
        long stall = 0;
        for (int i = 0; i < beats.length(); i++) {
            stall = Math.max(stall, now - beats.get(i));
        }
        return state.get() == State.PULLING ? Duration.ofNanos(stall) : Duration.ZERO;
    }

    public int inFlight() {
        return leases.size();
    }

    private void answered() {
        lastAnswer = System.nanoTime();
    }

    private void registerThenPull() {
        int failures = 0;
        while (pulling) {
            try {
                register();
                break;
            } catch (UpstreamException.Refused refused) {
                answered();
                if (refused.unauthorized()) {
                    stop("the upstream refused the key: " + refused.getMessage());
                    return;
                }
                problem = "registering failed: " + refused.getMessage();
                Log.errorf("Agent: %s", problem);
            } catch (RuntimeException e) {
                problem = "registering failed: " + e.getMessage();
                Log.warnf("Agent: %s; trying again", problem);
            }
            pause(++failures);
        }
        if (!pulling || !state.compareAndSet(State.REGISTERING, State.PULLING)) {
            return; // the node is stopping
        }
        answered();
        problem = "";
        leases.start(runnerId);
        Thread flusher = new Thread(this::flush, "agent-outbox");
        flusher.setDaemon(true);
        flusher.start();
        AtomicLongArray beats = new AtomicLongArray(config.pullLoops());
        for (int i = 0; i < beats.length(); i++) {
            beats.set(i, System.nanoTime());
        }
        loopBeats = beats;
        for (int i = 0; i < config.pullLoops(); i++) {
            int loop = i;
            Thread thread = new Thread(() -> pull(loop), "agent-pull-" + (i + 1));
            thread.setDaemon(true);
            thread.start();
        }
        Log.infof(
                "Agent: runner %s of user %s at %s, %d pull loop(s)",
                runnerId, config.userId().orElse("me"), config.controlPlaneUrl().orElse(""), config.pullLoops());
    }

    /** Finds this node's runner at the upstream, or registers it with the models this node serves. */
    private void register() {
        try {
            Runner known = upstream.getRunner(runnerId).getRunner();
            Value capacity = known.getMetadata().getFieldsMap().get("capacity");
            Log.infof("Agent: runner %s is registered already; reusing it", runnerId);
            if (capacity != null && capacity.getNumberValue() != config.capacity()) {
                Log.warnf(
                        "Agent: runner %s was registered with capacity %s, not runner.agent.capacity %d; the hub keeps"
                                + " the registered one until the runner is deleted",
                        runnerId, dev.runneragent.api.ProtoJson.print(capacity), config.capacity());
            }
            return;
        } catch (UpstreamException.Refused refused) {
            if (refused.code() != StatusCode.RUNNER_DOES_NOT_EXIST || refused.unauthorized()) {
                throw refused;
            }
        }
        ListValue.Builder models = ListValue.newBuilder();
        for (ModelFolder.Entry entry : engine.entries()) {
            models.addValues(Value.newBuilder().setStringValue(entry.model().getId()));
        }
        Runner.Builder runner = Runner.newBuilder()
                .setId(runnerId)
                .setDescription("runner-agent on " + nodeName())
                .setNodepool(Nodepool.newBuilder().setId(config.nodepoolId()))
                .setMetadata(Struct.newBuilder()
                        .putFields(
                                "models",
                                Value.newBuilder().setListValue(models).build())
                        .putFields(
                                "capacity",
                                Value.newBuilder()
                                        .setNumberValue(config.capacity())
                                        .build())
                        .putFields(
                                "host",
                                Value.newBuilder().setStringValue(nodeName()).build()));
        if (!nodepoolComputeInfo().equals(ComputeInfo.getDefaultInstance())) {
            // What the nodepool promises, so that the hub hands this runner only items that fit it. Without it, the
            // runner declares nothing and is trusted with any item.
            runner.setComputeInfo(nodepoolComputeInfo());
        }
        upstream.postRunners(PostRunnersRequest.newBuilder().addRunners(runner).build());
        Log.infof(
                "Agent: registered runner %s, serving %s",
                runnerId, models.getValuesList().size() + " model(s)");
    }

    private void pull(int loop) {
        int failures = 0;
        Runnable beat = () -> loopBeats.set(loop, System.nanoTime());
        while (pulling) {
            beat.run();
            try {
                if (!pacing.awaitRoom(() -> pulling, beat)) {
                    return;
                }
                long polled = System.nanoTime();
                MultiRunnerItemResponse answer = upstream.listRunnerItems(runnerId);
                answered();
                failures = 0;
                metrics.poll(
                        answer.getRunnerItemsCount() > 0 ? AgentMetrics.Outcome.ITEMS : AgentMetrics.Outcome.EMPTY,
                        System.nanoTime() - polled);
                for (RunnerItem item : answer.getRunnerItemsList()) {
                    metrics.item(AgentMetrics.Outcome.PULLED);
                    metrics.stage(AgentMetrics.Stage.PULL, System.nanoTime() - polled);
                }
                beat.run();
                if (pulling) {
                    workSideBySide(answer.getRunnerItemsList());
                } else {
                    answer.getRunnerItemsList().forEach(item -> handBack(item.getId())); // pulled as the node stops
                }
            } catch (UpstreamException.Refused refused) {
                answered();
                metrics.poll(AgentMetrics.Outcome.ERROR, 0);
                if (refused.unauthorized()) {
                    stop("the upstream refused the key: " + refused.getMessage());
                    return;
                }
                if (refused.code() == StatusCode.RUNNER_DOES_NOT_EXIST) {
                    reregister();
                } else {
                    Log.errorf("Agent: a poll was refused: %s", refused.getMessage());
                }
                pause(++failures);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                metrics.poll(AgentMetrics.Outcome.ERROR, 0);
                if (pulling) {
                    Log.warnf("Agent: a poll failed: %s; backing off", e.getMessage());
                    pause(++failures);
                }
            }
        }
    }

    /** The hub no longer knows this runner (deleted while the node ran): registers it again, once for all loops. */
    private synchronized void reregister() {
        try {
            register();
        } catch (RuntimeException e) {
            Log.warnf("Agent: registering runner %s again failed: %s", runnerId, e.getMessage());
        }
    }

    /**
     * Works on the items of one poll side by side, the first on this thread, and returns when all are done. A failure
     * of one item's work (its outbox write, say) is logged; the others go on.
     */
    private void workSideBySide(List<RunnerItem> items) throws InterruptedException {
        if (items.isEmpty()) {
            return;
        }
        List<Future<?>> others = new ArrayList<>(items.size() - 1);
        for (RunnerItem item : items.subList(1, items.size())) {
            others.add(siblings.submit(() -> work(item)));
        }
        try {
            work(items.get(0));
        } finally {
            for (int i = 0; i < others.size(); i++) {
                try {
                    others.get(i).get();
                } catch (ExecutionException e) {
                    Log.errorf(
                            e.getCause(),
                            "Agent: work on item %s failed",
                            items.get(i + 1).getId());
                }
            }
        }
    }

    /**
     * Runs one item on this node's engine while {@link Leases} keeps its lease, keeps its outputs in the outbox, and
     * posts them. A post that fails stays in the outbox for the flusher; outputs the hub will never take (the item
     * was cancelled, or went to another runner after its lease) are dropped with a log line.
     */
    private void work(RunnerItem item) {
        Leases.Held held = leases.hold(item.getId());
        try {
            Future<MultiOutputResponse> run = runs.submit(() -> {
                long started = System.nanoTime();
                metrics.stage(AgentMetrics.Stage.LOCAL_QUEUE, started - held.pulledNanos);
                try {
                    return item.hasPostModelOutputsRequest()
                            ? engine.predict(item.getPostModelOutputsRequest())
                            : failure("this agent runs only postModelOutputsRequest items");
                } finally {
                    metrics.stage(AgentMetrics.Stage.RUN, System.nanoTime() - started);
                }
            });
            held.working(run);
            MultiOutputResponse outputs;
            try {
                outputs = run.get();
            } catch (CancellationException cancelled) {
                return; // the lease was lost, or the item handed back: Leases and the drain logged why
            } catch (ExecutionException e) {
                outputs = failure("the item failed on this runner: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (held.lost() != null) {
                return;
            }
            long finished = System.nanoTime();
            outbox.put(runnerId, item.getId(), outputs);
            metrics.item(
                    outputs.getStatus().getCode() == StatusCode.FAILURE
                            ? AgentMetrics.Outcome.FAILED
                            : AgentMetrics.Outcome.COMPLETED);
            leases.release(held); // the outbox holds the result now; the hub's lease no longer matters
            if (deliver(new Outbox.Entry(runnerId, item.getId(), outputs, 0)) == Delivery.DONE) {
                metrics.stage(AgentMetrics.Stage.POST, System.nanoTime() - finished);
            }
        } finally {
            leases.release(held);
        }
    }

    /** Gives an item back to the hub (it goes back to its queue, the attempt not counted); its lease ends anyway. */
    private void handBack(String itemId) {
        try {
            upstream.report(
                    runnerId,
                    itemId,
                    com.clarifai.grpc.api.status.Status.newBuilder()
                            .setCode(StatusCode.RUNNER_NEEDS_RETRY)
                            .setDetails("runner " + runnerId + " is shutting down")
                            .build());
            metrics.item(AgentMetrics.Outcome.HANDED_BACK);
            Log.infof("Agent: handed item %s back", itemId);
        } catch (RuntimeException e) {
            Log.warnf("Agent: item %s could not be handed back (its lease will expire): %s", itemId, e.getMessage());
        }
    }

    /** What became of a post from the outbox. */
    private enum Delivery {
        /** The result left the outbox: the hub took it, or will never take it. */
        DONE,
        /** The hub could not be reached; the result stays. */
        FAILED,
        /** Another thread is posting this result right now. */
        BUSY
    }

    /** Posts a kept result, one thread per result at a time. A refused key is thrown, the result kept. */
    private Delivery deliver(Outbox.Entry entry) {
        if (!delivering.add(entry.itemId())) {
            return Delivery.BUSY;
        }
        try {
            return post(entry);
        } finally {
            delivering.remove(entry.itemId());
        }
    }

    private Delivery post(Outbox.Entry entry) {
        try {
            upstream.postRunnerItemOutputs(
                    entry.runnerId(),
                    entry.itemId(),
                    PostRunnerItemOutputsRequest.newBuilder()
                            .addRunnerItemOutputs(
                                    RunnerItemOutput.newBuilder().setMultiOutputResponse(entry.response()))
                            .build());
            outbox.remove(entry.runnerId(), entry.itemId());
            return Delivery.DONE;
        } catch (UpstreamException.Refused refused) {
            if (refused.unauthorized()) {
                outbox.failed(entry.runnerId(), entry.itemId());
                throw refused;
            }
            // RUNNER_ITEM_CANCELLED: the caller gave up, or the item went to another runner after its lease.
            Log.infof("Agent: the outputs of item %s were not taken: %s", entry.itemId(), refused.getMessage());
            outbox.remove(entry.runnerId(), entry.itemId());
            return Delivery.DONE;
        } catch (RuntimeException e) {
            outbox.failed(entry.runnerId(), entry.itemId());
            if (entry.attempts() == 0) { // later failures of the same result say nothing new
                Log.warnf("Agent: the outputs of item %s wait in the outbox: %s", entry.itemId(), e.getMessage());
            } else {
                Log.debugf("Agent: the outputs of item %s still wait: %s", entry.itemId(), e.getMessage());
            }
            return Delivery.FAILED;
        }
    }

    /** Posts what waits in the outbox (results of earlier runs too) every {@code runner.agent.outbox-retry}. */
    private void flush() {
        while (pulling) {
            try {
                for (Outbox.Entry entry : outbox.pending(runnerId, 100)) {
                    if (!pulling || deliver(entry) == Delivery.FAILED) {
                        break; // the hub cannot be reached: try again later
                    }
                }
            } catch (UpstreamException.Refused refused) {
                stop("the upstream refused the key: " + refused.getMessage());
                return;
            } catch (RuntimeException e) {
                Log.warnf("Agent: the outbox could not be flushed: %s", e.getMessage());
            }
            try {
                Thread.sleep(config.outboxRetry().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static MultiOutputResponse failure(String details) {
        return MultiOutputResponse.newBuilder()
                .setStatus(com.clarifai.grpc.api.status.Status.newBuilder()
                        .setCode(StatusCode.FAILURE)
                        .setDetails(details))
                .build();
    }

    private void stop(String why) {
        problem = why;
        state.set(State.STOPPED);
        pulling = false;
        Log.errorf("Agent: stopped pulling: %s", why);
    }

    /** Waits before the next try ({@link Pacing#backoffMillis}). */
    private void pause(int failures) {
        sleep(Pacing.backoffMillis(failures, ThreadLocalRandom.current().nextDouble()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The node's name, as a runner id ({@link #runnerIdOf}), lower case. */
    static String nodeName() {
        String name = System.getenv().getOrDefault("HOSTNAME", "");
        if (name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                name = "node";
            }
        }
        return runnerIdOf(name.toLowerCase(Locale.ROOT));
    }

    /**
     * {@code name} as a runner id: letters, digits, '_' and '-', starting with a letter or digit, at most 128
     * characters. A Kubernetes node name ({@code ip-10-0-1-17.ec2.internal}, up to 253 characters) becomes one by
     * turning every other character into '-' and keeping its end when it is too long (the end tells nodes apart).
     */
    static String runnerIdOf(String name) {
        String id = name.replaceAll("[^A-Za-z0-9_-]", "-");
        if (id.length() > MAX_RUNNER_ID) {
            id = id.substring(id.length() - MAX_RUNNER_ID);
        }
        id = id.replaceFirst("^[_-]+", "");
        return id.isEmpty() ? "node" : id;
    }
}
