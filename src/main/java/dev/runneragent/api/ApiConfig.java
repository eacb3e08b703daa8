package dev.runneragent.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of the node API. */
@ConfigMapping(prefix = "runner.api")
public interface ApiConfig {

    /**
     * The largest request body the node accepts (for example {@code 64M}). A body announced larger is refused with
     * HTTP 413 and {@code RPC_MAX_MESSAGE_SIZE_EXCEEDED} before any of it is read; a chunked body is cut off with a
     * bare 413 when it passes the limit.
     */
    @WithDefault("64M")
    MemorySize maxBodySize();
}
