package dev.runneragent.runner;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The hub side of the runner protocol: how the runner-item queue behaves. */
@ConfigMapping(prefix = "runner.hub")
public interface HubConfig {

    /** How long ListRunnerItems waits for work before it answers RUNNER_NEEDS_RETRY with no items. */
    @WithDefault("20s")
    Duration longPoll();

    /** How long a runner holds an item it leased; a progress report renews it, an expired lease re-queues it. */
    @WithDefault("60s")
    Duration lease();

    /** Leases an item may have; when the last one expires the item fails with RUNNER_PROCESSING_FAILED. */
    @WithDefault("3")
    int maxAttempts();

    /** How long a caller of PostModelOutputs waits for a runner to complete its item. */
    @WithDefault("60s")
    Duration dispatchTimeout();

    /** How often expired leases are swept, finished items purged and the queue gauges refreshed. */
    @WithDefault("1s")
    Duration sweepInterval();

    /** How long finished (done, failed, cancelled) items stay in the store. */
    @WithDefault("1h")
    Duration retention();

    /** The most items one poll may lease, whatever a runner's metadata asks for. */
    @WithDefault("128")
    int maxCapacity();
}
