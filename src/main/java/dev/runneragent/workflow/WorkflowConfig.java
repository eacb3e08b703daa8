package dev.runneragent.workflow;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Running workflows: where a node may wait, and how URL inputs are fetched. */
@ConfigMapping(prefix = "runner.workflow")
public interface WorkflowConfig {

    /** How long a node whose model runs on a runner waits for the runner's outputs. */
    @WithDefault("60s")
    Duration nodeTimeout();

    /** The largest input fetched from a URL. */
    @WithDefault("20M")
    MemorySize maxInputBytes();

    /**
     * The fetched input bytes the node holds at once, across requests; a fetch past it fails its input with
     * RPC_REQUEST_QUEUE_FULL. Unset: a quarter of the JVM's maximum heap.
     */
    Optional<MemorySize> maxFetchedBytes();

    /** Fetch URLs on loopback, link-local and private addresses too (tests, closed networks). */
    @WithDefault("false")
    boolean allowPrivateUrls();

    /** Addresses never fetched, as CIDR blocks or single addresses, even when private URLs are allowed. */
    Optional<List<String>> urlDenyList();

    /** How long connecting to a URL's server may take. */
    @WithDefault("5s")
    Duration fetchConnectTimeout();

    /** How long reading a URL's answer may take, from the request to its last byte. */
    @WithDefault("20s")
    Duration fetchReadTimeout();

    /** How many workflow nodes run at once on this node's models (each holds a thread until its outputs are ready). */
    @WithDefault("64")
    int maxConcurrentNodes();

    /** How long a workflow state lives after its last use (Clarifai: five minutes). */
    @WithDefault("5m")
    Duration stateTtl();
}
