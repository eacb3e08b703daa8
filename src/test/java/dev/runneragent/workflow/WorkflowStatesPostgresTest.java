package dev.runneragent.workflow;

import dev.runneragent.testing.PostgresProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link WorkflowStatesTest} on the machine's PostgreSQL. */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class WorkflowStatesPostgresTest extends WorkflowStatesTest {}
