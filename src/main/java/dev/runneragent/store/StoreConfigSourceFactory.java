package dev.runneragent.store;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Chooses the store at run time. Quarkus fixes a datasource's database kind at build time, so the artifact carries
 * two datasources, {@code embedded} (H2) and {@code pg} (PostgreSQL), and this factory switches exactly one of them
 * on: PostgreSQL when {@code runner.store.jdbc-url} is set, the embedded file otherwise. An inactive datasource opens
 * no pool, runs no migration and has no health check.
 */
public class StoreConfigSourceFactory implements ConfigSourceFactory {

    /** Above application.properties (250), below system properties and the environment. */
    private static final int ORDINAL = 260;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue url = context.getValue("runner.store.jdbc-url");
        boolean postgres =
                url != null && url.getValue() != null && !url.getValue().isBlank();
        String embedded = Boolean.toString(!postgres);
        String pg = Boolean.toString(postgres);
        return List.of(
                new MapBackedConfigSource(
                        "runner-store-choice",
                        Map.of(
                                "quarkus.datasource.embedded.active", embedded,
                                "quarkus.flyway.embedded.active", embedded,
                                "quarkus.datasource.pg.active", pg,
                                "quarkus.flyway.pg.active", pg),
                        ORDINAL) {});
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
