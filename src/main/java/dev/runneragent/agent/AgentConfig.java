package dev.runneragent.agent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The node as an agent of an upstream hub: where the hub is and who the node is there. */
@ConfigMapping(prefix = "runner.agent")
public interface AgentConfig {

    /** The upstream hub's base URL ({@code https://api.clarifai.com}, or a hub of this project); empty: no agent. */
    Optional<String> controlPlaneUrl();

    /** The upstream user whose runner this node is. */
    Optional<String> userId();

    /** That user's key (a personal access token) at the upstream. */
    Optional<String> key();

    /** This node's runner id at the upstream; empty: derived from the node name. */
    Optional<String> runnerId();

    /** The nodepool this node belongs to. */
    @WithDefault("default")
    String nodepoolId();

    /** What the nodepool promises its nodes; the agent refuses to start on a node that does not have it. */
    ComputeInfo computeInfo();

    /** A nodepool's {@code computeInfo}, as configuration. */
    interface ComputeInfo {

        /** Accelerators each node has. */
        Optional<Integer> numAccelerators();

        /** Memory of each accelerator ({@code 24Gi}). */
        Optional<String> acceleratorMemory();

        /** Accepted accelerator types ({@code NVIDIA-A10G}); empty: any. */
        Optional<List<String>> acceleratorType();

        /** CPUs ({@code 4}, {@code 500m}). */
        Optional<String> cpuLimit();

        /** CPU memory ({@code 16Gi}). */
        Optional<String> cpuMemory();
    }

    /**
     * Ask the upstream for protobuf's binary encoding ({@code application/x-protobuf}) on the runner-item calls, and
     * post results in it once the upstream answered in it. A hub of this project does; Clarifai's API answers JSON,
     * and the agent then stays with JSON. Off: JSON only.
     */
    @WithDefault("true")
    boolean protobuf();

    /** How often results that could not be posted are posted again. */
    @WithDefault("5s")
    Duration outboxRetry();

    /**
     * How many long polls run side by side, each working on the items it pulled. A loop polls only while the engine's
     * queues have room, so that what it pulls starts soon.
     */
    @WithDefault("4")
    int pullLoops();

    /**
     * The most items one poll may lease (the runner's {@code metadata.capacity} at registration, 1 to the hub's
     * {@code runner.hub.max-capacity}). A loop runs the items of one poll side by side, so that they can share a
     * batch, and polls again when all of them are done: {@code pull-loops} times this is the most items in flight.
     */
    @WithDefault("4")
    int capacity();

    /**
     * How long the upstream keeps an item leased to this runner without a word from it (the hub's
     * {@code runner.hub.lease}). Work whose lease could not be renewed for this long is cancelled here: the upstream
     * has given the item to another runner.
     */
    @WithDefault("60s")
    Duration lease();

    /** How often the lease of each item in flight is renewed (a progress report); well under {@code lease}. */
    @WithDefault("15s")
    Duration leaseRenewal();

    /**
     * On shutdown (SIGTERM), how long items in flight may take to finish; what is still running then is handed back
     * to the upstream. The node's grace period (Kubernetes' terminationGracePeriodSeconds) must be longer.
     */
    @WithDefault("30s")
    Duration drainTimeout();

    /** On shutdown, delete this node's runner at the upstream (for nodes that do not come back under the same id). */
    @WithDefault("false")
    boolean deregisterOnExit();

    /** Not ready when the upstream has not answered for this long (a long poll answers within runner.hub.long-poll). */
    @WithDefault("60s")
    Duration readyStaleness();

    /** Not live when a pull loop has not moved for this long (stuck in a call or an item). */
    @WithDefault("5m")
    Duration stuckAfter();
}
