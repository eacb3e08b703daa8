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
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node as a runner of an upstream hub, when {@code runner.agent.control-plane-url} is set: it registers itself
 * (or finds its runner from an earlier start), advertising the models it serves, then runs
 * {@code runner.agent.pull-loops} long polls; each runs the item it pulled on the execution engine and posts the
 * outputs. Transport failures back off with jitter; a refused key stops the loops and makes the node unready.
 *
 * <p>Outputs go through the {@link Outbox}: kept in the node's store before they are posted, posted again until the
 * hub takes them, also after a restart.
 *
 * <p>Not yet: lease renewal while an item runs, draining on shutdown (items in flight when the node stops go back
 * to the hub when their lease expires), loops sized by free local capacity.
 */
@ApplicationScoped
public class Agent {

    /** What the agent is doing, for health. */
    public enum State {
        OFF,
        REGISTERING,
        PULLING,
        STOPPED
    }

    private final AgentConfig config;
    private final Upstream upstream;
    private final ExecutionEngine engine;
    private final Outbox outbox;
    /** Items whose results are being posted now, so that the flusher and a pull loop never post one twice at once. */
    private final Set<String> delivering = ConcurrentHashMap.newKeySet();

    private final AtomicReference<State> state = new AtomicReference<>(State.OFF);
    private volatile String problem = "";
    private volatile boolean running;
    private volatile String runnerId;

    @Inject
    public Agent(AgentConfig config, Upstream upstream, ExecutionEngine engine, Outbox outbox) {
        this.config = config;
        this.upstream = upstream;
        this.engine = engine;
        this.outbox = outbox;
    }

    void onStart(@Observes StartupEvent started) {
        if (config.controlPlaneUrl().filter(url -> !url.isBlank()).isEmpty()) {
            return;
        }
        checkNodepool(); // before anything is registered: a node that cannot serve the nodepool does not start
        runnerId = config.runnerId().filter(id -> !id.isBlank()).orElseGet(Agent::nodeName);
        running = true;
        state.set(State.REGISTERING);
        Thread starter = new Thread(this::registerThenPull, "agent-start");
        starter.setDaemon(true);
        starter.start();
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

    void onStop(@Observes ShutdownEvent stopping) {
        running = false;
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

    private void registerThenPull() {
        int failures = 0;
        while (running) {
            try {
                register();
                break;
            } catch (UpstreamException.Refused refused) {
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
        if (!running) {
            return; // the node is stopping
        }
        problem = "";
        state.set(State.PULLING);
        Thread flusher = new Thread(this::flush, "agent-outbox");
        flusher.setDaemon(true);
        flusher.start();
        for (int i = 0; i < config.pullLoops(); i++) {
            Thread loop = new Thread(this::pull, "agent-pull-" + (i + 1));
            loop.setDaemon(true);
            loop.start();
        }
        Log.infof(
                "Agent: runner %s of user %s at %s, %d pull loop(s)",
                runnerId, config.userId().orElse("me"), config.controlPlaneUrl().orElse(""), config.pullLoops());
    }

    /** Finds this node's runner at the upstream, or registers it with the models this node serves. */
    private void register() {
        try {
            upstream.getRunner(runnerId);
            Log.infof("Agent: runner %s is registered already; reusing it", runnerId);
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
                                "capacity", Value.newBuilder().setNumberValue(1).build())
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

    private void pull() {
        int failures = 0;
        while (running) {
            try {
                MultiRunnerItemResponse polled = upstream.listRunnerItems(runnerId);
                failures = 0;
                for (RunnerItem item : polled.getRunnerItemsList()) {
                    work(item);
                }
            } catch (UpstreamException.Refused refused) {
                if (refused.unauthorized()) {
                    stop("the upstream refused the key: " + refused.getMessage());
                    return;
                }
                Log.errorf("Agent: a poll was refused: %s", refused.getMessage());
                pause(++failures);
            } catch (RuntimeException e) {
                if (running) {
                    Log.warnf("Agent: a poll failed: %s; backing off", e.getMessage());
                    pause(++failures);
                }
            }
        }
    }

    /**
     * Runs one item on this node's engine, keeps its outputs in the outbox, and posts them. A post that fails stays
     * in the outbox for the flusher; outputs the hub will never take (the item was cancelled, or went to another
     * runner after its lease) are dropped with a log line.
     */
    private void work(RunnerItem item) {
        MultiOutputResponse outputs = item.hasPostModelOutputsRequest()
                ? engine.predict(item.getPostModelOutputsRequest())
                : failure("this agent runs only postModelOutputsRequest items");
        outbox.put(runnerId, item.getId(), outputs);
        deliver(new Outbox.Entry(runnerId, item.getId(), outputs, 0));
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
            Log.warnf("Agent: the outputs of item %s wait in the outbox: %s", entry.itemId(), e.getMessage());
            return Delivery.FAILED;
        }
    }

    /** Posts what waits in the outbox (results of earlier runs too) every {@code runner.agent.outbox-retry}. */
    private void flush() {
        while (running) {
            try {
                for (Outbox.Entry entry : outbox.pending(runnerId, 100)) {
                    if (!running || deliver(entry) == Delivery.FAILED) {
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
        running = false;
        Log.errorf("Agent: stopped pulling: %s", why);
    }

    /** Waits before the next try: exponential from 0.5 s to 30 s, with full jitter. */
    private void pause(int failures) {
        long ceiling = Math.min(30_000L, 500L << Math.min(failures, 6));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** The node's name, as a runner id: letters, digits, '-' and '_'. */
    static String nodeName() {
        String name = System.getenv().getOrDefault("HOSTNAME", "");
        if (name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                name = "node";
            }
        }
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
    }
}
