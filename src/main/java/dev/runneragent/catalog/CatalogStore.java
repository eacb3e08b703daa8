package dev.runneragent.catalog;

import com.google.protobuf.Message;
import dev.runneragent.store.Db;
import dev.runneragent.store.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The {@code catalog_entries} table. Entries are replaced wholesale per source at start, and read per kind for one
 * user (their own entries plus the node-wide ones); lists filter and sort in Java, since a user's catalog is small
 * and the filters reach deep into the messages.
 */
@ApplicationScoped
public class CatalogStore {

    private static final String COLUMNS = "owner_id, id, source, created_at, message";

    @Inject
    Db db;

    /**
     * Replaces, in one transaction, every entry whose source is one of {@code sources} with {@code entries}: either
     * all of them are stored or nothing changes. Entries of other sources stay.
     *
     * @return how many entries were stored
     */
    public int replace(Collection<String> sources, List<CatalogEntry<?>> entries) {
        for (CatalogEntry<?> entry : entries) {
            if (!sources.contains(entry.source())) {
                throw new IllegalArgumentException("entry " + entry.kind().name() + " '" + entry.id() + "' is from "
                        + entry.source() + ", not from one of the replaced sources " + sources);
            }
        }
        return db.inTransaction(c -> {
            if (db.dialect() == Db.Dialect.POSTGRESQL) {
                // Replicas starting together would otherwise each delete, then collide on the other's inserts.
                try (Statement lock = c.createStatement()) {
                    lock.execute("LOCK TABLE catalog_entries IN SHARE ROW EXCLUSIVE MODE");
                }
            }
            deleteSources(c, sources);
            insertAll(c, entries);
            return entries.size();
        });
    }

    /** The entries of {@code kind} that {@code userId} owns, and the node-wide ones, by owner and id. */
    public <M extends Message> List<CatalogEntry<M>> visibleTo(CatalogKind<M> kind, String userId) {
        return db.read(c -> {
            try (PreparedStatement query = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM catalog_entries WHERE kind = ? AND owner_id IN (?, ?) ORDER BY owner_id, id")) {
                query.setString(1, kind.name());
                query.setString(2, userId);
                query.setString(3, CatalogEntry.NODE_WIDE);
                try (ResultSet rows = query.executeQuery()) {
                    List<CatalogEntry<M>> found = new ArrayList<>();
                    while (rows.next()) {
                        found.add(read(kind, rows));
                    }
                    return found;
                }
            }
        });
    }

    /** The entry of {@code kind} with {@code id} that {@code ownerId} owns. */
    public <M extends Message> Optional<CatalogEntry<M>> find(CatalogKind<M> kind, String ownerId, String id) {
        return db.read(c -> {
            try (PreparedStatement query = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM catalog_entries WHERE kind = ? AND owner_id = ? AND id = ?")) {
                query.setString(1, kind.name());
                query.setString(2, ownerId);
                query.setString(3, id);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next() ? Optional.of(read(kind, rows)) : Optional.empty();
                }
            }
        });
    }

    private static void deleteSources(Connection c, Collection<String> sources) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM catalog_entries WHERE source = ?")) {
            for (String source : sources) {
                delete.setString(1, source);
                delete.executeUpdate();
            }
        }
    }

    private static void insertAll(Connection c, List<CatalogEntry<?>> entries) throws SQLException {
        try (PreparedStatement insert =
                c.prepareStatement("INSERT INTO catalog_entries (kind, owner_id, id, source, created_at, message)"
                        + " VALUES (?, ?, ?, ?, ?, ?)")) {
            for (CatalogEntry<?> entry : entries) {
                insert.setString(1, entry.kind().name());
                insert.setString(2, entry.ownerId());
                insert.setString(3, entry.id());
                insert.setString(4, entry.source());
                Sql.setTime(insert, 5, entry.createdAt());
                insert.setBytes(6, entry.message().toByteArray());
                insert.executeUpdate();
            }
        }
    }

    private static <M extends Message> CatalogEntry<M> read(CatalogKind<M> kind, ResultSet rows) throws SQLException {
        return new CatalogEntry<>(
                kind,
                rows.getString("owner_id"),
                rows.getString("id"),
                rows.getString("source"),
                Sql.getTime(rows, "created_at"),
                Sql.getMessage(rows, "message", kind.parser()));
    }
}
