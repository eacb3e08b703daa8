package dev.runneragent.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** Where the node keeps its state. */
@ConfigMapping(prefix = "runner")
public interface NodeConfig {

    /** The data folder: the embedded store, the generated bootstrap key file, the agent's outbox. */
    @WithDefault("./data")
    Path dataDir();

    Store store();

    interface Store {
        /**
         * A PostgreSQL JDBC URL (user and password as URL parameters). When set, the node keeps its state there
         * instead of the embedded H2 file, so several hub replicas can share it.
         */
        Optional<String> jdbcUrl();
    }
}
