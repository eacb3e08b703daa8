package dev.runneragent.catalog;

import dev.runneragent.testing.PostgresProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link CatalogStoreTest} on the machine's PostgreSQL. */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class CatalogStorePostgresTest extends CatalogStoreTest {}
