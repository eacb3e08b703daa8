package dev.runneragent.catalog;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.util.Optional;

/** Where the catalog's user-owned entries come from; the node-wide ones come from the model folder. */
@ConfigMapping(prefix = "runner.catalog")
public interface CatalogConfig {

    /**
     * A JSON file of datasets, evaluations, modules, collaborations and app duplications per user (format in
     * {@code docs/catalog-import.md}), read at every start and replacing what the previous start imported. When it
     * is set but missing or malformed the node refuses to start. When empty, nothing is imported.
     */
    Optional<Path> importFile();
}
