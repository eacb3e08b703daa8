package dev.runneragent.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Who the node's first user is, and their personal access token. */
@ConfigMapping(prefix = "runner.auth")
public interface AuthConfig {

    /** The first user of the node, created at start if missing. */
    @WithDefault("admin")
    String bootstrapUser();

    /**
     * The bootstrap user's personal access token (env {@code RUNNER_AUTH_BOOTSTRAP_KEY}). When empty, the first start
     * generates one, logs it once and writes it to {@code bootstrap-key} (mode 0600) in the data folder. Changing it
     * replaces the previous key at the next start; unsetting it revokes the configured key and generates one.
     */
    Optional<String> bootstrapKey();
}
