package dev.runneragent.execution;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** The node's devices. */
@ConfigMapping(prefix = "runner.devices")
public interface DevicesConfig {

    /**
     * For tests only: a declared inventory instead of the detected one, computed on the CPU, for example
     * {@code gpu:2:24Gi:NVIDIA-A10G} or {@code gpu:1:80Gi:NVIDIA-H100,cpu:16:64Gi}. Logs and health say when it is
     * in use.
     */
    Optional<String> simulate();
}
