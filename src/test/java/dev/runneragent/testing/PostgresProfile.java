package dev.runneragent.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/**
 * Runs a test application on the machine's PostgreSQL (127.0.0.1:5432, database {@code test}), in a schema of its
 * own that {@link PostgresSchema} creates before start and drops after.
 */
public class PostgresProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(PostgresSchema.class));
    }
}
