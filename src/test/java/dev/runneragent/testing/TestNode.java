package dev.runneragent.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every test application gets a data folder of its own (deleted afterwards), a known bootstrap key, and the test
 * model folder. Registered globally by {@link GlobalTestResources}.
 */
public class TestNode implements QuarkusTestResourceLifecycleManager {

    /** The bootstrap user of every test node. */
    public static final String ADMIN = "admin";

    /** The bootstrap user's personal access token in every test node. */
    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";

    /** The test model folder: colour-classifier (v1), text-embedder (v7) and one malformed folder. */
    public static final String MODELS_DIR = "src/test/resources/models";

    private Path dataDir;

    @Override
    public Map<String, String> start() {
        try {
            dataDir = Files.createTempDirectory("runner-agent-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "runner.data-dir", dataDir.toString(),
                "runner.auth.bootstrap-user", ADMIN,
                "runner.auth.bootstrap-key", ADMIN_KEY,
                "runner.models.dir", MODELS_DIR,
                "runner.catalog.import-file", "src/test/resources/catalog/import.json");
    }

    @Override
    public void stop() {
        deleteTree(dataDir);
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
