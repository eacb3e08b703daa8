package dev.runneragent.auth;

import dev.runneragent.testing.PostgresProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link KeyStoreTest} on the machine's PostgreSQL, in a schema of its own. */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class KeyStorePostgresTest extends KeyStoreTest {}
