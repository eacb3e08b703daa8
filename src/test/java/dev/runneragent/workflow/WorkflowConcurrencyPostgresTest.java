package dev.runneragent.workflow;

import dev.runneragent.testing.PostgresProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link WorkflowConcurrencyTest} on the machine's PostgreSQL, in a schema of its own. */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class WorkflowConcurrencyPostgresTest extends WorkflowConcurrencyTest {}
