package dev.runneragent.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.InjectableInstance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * The node's store: whichever of the two built-in datasources is active (see {@link StoreConfigSourceFactory}),
 * with explicit JDBC transactions. A unit of work either commits whole or rolls back whole.
 */
@ApplicationScoped
public class Db {

    /** A piece of work on one connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;
    private final Dialect dialect;

    @Inject
    Db(@Any InjectableInstance<AgroalDataSource> dataSources) {
        this(only(dataSources.listActive()));
    }

    /** A store on {@code dataSource}, already migrated (benchmarks and tools build it outside the application). */
    public Db(DataSource dataSource) {
        this.dataSource = dataSource;
        this.dialect = detectDialect(dataSource);
    }

    private static DataSource only(List<AgroalDataSource> active) {
        if (active.size() != 1) {
            throw new IllegalStateException("expected exactly one active datasource, found " + active.size());
        }
        return active.get(0);
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Runs {@code work} in one transaction: commit when it returns, roll back when it throws. */
    public <T> T inTransaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                connection.setAutoCommit(true);
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                restoreAutoCommit(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw StoreException.from(e);
        }
    }

    /** Runs read-only {@code work} on a connection in auto-commit mode. */
    public <T> T read(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw StoreException.from(e);
        }
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    /** The pool resets a connection it gets back; failing here must not hide the exception being thrown. */
    private static void restoreAutoCommit(Connection connection, Exception cause) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static Dialect detectDialect(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName();
            return product.toLowerCase().contains("postgres") ? Dialect.POSTGRESQL : Dialect.H2;
        } catch (SQLException e) {
            throw StoreException.from(e);
        }
    }

    /** The two databases the node runs on. */
    public enum Dialect {
        H2,
        POSTGRESQL
    }
}
