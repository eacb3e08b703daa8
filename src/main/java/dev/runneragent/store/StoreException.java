package dev.runneragent.store;

import java.sql.SQLException;

/** A failure of the store itself (not of the request): connection lost, constraint broken, disk full. */
public class StoreException extends RuntimeException {

    /** SQLSTATE for a unique-constraint violation, the same on H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    static StoreException from(SQLException e) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
            return new DuplicateKeyException(e);
        }
        return new StoreException("store operation failed: " + e.getMessage(), e);
    }

    /** A row with the same unique key exists already; services turn it into their resource's duplicate answer. */
    public static class DuplicateKeyException extends StoreException {
        DuplicateKeyException(SQLException cause) {
            super("duplicate key: " + cause.getMessage(), cause);
        }
    }
}
