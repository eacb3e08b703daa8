package dev.runneragent.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * A test node that serves the sample models of {@code ./models} (those of the README's run command), fetches input
 * URLs from this machine's loopback server ({@link TestFiles}), and lets a workflow node wait three seconds for a
 * runner.
 */
public class SampleModelsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "runner.models.dir", "models",
                "runner.workflow.allow-private-urls", "true",
                "runner.workflow.node-timeout", "3s");
    }
}
