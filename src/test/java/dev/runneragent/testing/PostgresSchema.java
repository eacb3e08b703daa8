package dev.runneragent.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/** A fresh PostgreSQL schema for one test application, dropped with everything in it when the application stops. */
public class PostgresSchema implements QuarkusTestResourceLifecycleManager {

    /** The machine's PostgreSQL; CI has the same one. Override with the environment variable RUNNER_TEST_PG_URL. */
    public static final String SERVER =
            System.getenv().getOrDefault("RUNNER_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private String schema;

    @Override
    public Map<String, String> start() {
        schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute("CREATE SCHEMA " + schema);
        return Map.of("runner.store.jdbc-url", SERVER + "&currentSchema=" + schema);
    }

    @Override
    public void stop() {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(SERVER);
                Statement statement = c.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL at " + SERVER + " is needed for this test: " + e.getMessage(), e);
        }
    }
}
