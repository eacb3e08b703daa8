package dev.runneragent.runner;

import dev.runneragent.testing.PostgresProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link RunnerQueueConcurrencyTest} on the machine's PostgreSQL, in a schema of its own. */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class RunnerQueueConcurrencyPostgresTest extends RunnerQueueConcurrencyTest {}
