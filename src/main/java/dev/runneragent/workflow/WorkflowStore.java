package dev.runneragent.workflow;

import com.clarifai.grpc.api.Visibility;
import com.clarifai.grpc.api.Workflow;
import dev.runneragent.api.Page;
import dev.runneragent.store.Db;
import dev.runneragent.store.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Workflows ({@link VersionStore} keeps their versions). A workflow row holds the Workflow message of its latest version; ids, app and user
 * live in columns and are filled into the messages on read, so a rename leaves the stored versions untouched.
 */
@ApplicationScoped
public class WorkflowStore {

    /** A stored workflow: its surrogate key and its message (ids filled in). */
    public record Stored(long pk, Workflow workflow) {}

    /** How a list is sorted. */
    public enum Sort {
        ID("id"),
        MODIFIED_AT("modified_at"),
        CREATED_AT("created_at"),
        STAR_COUNT("star_count");

        final String column;

        Sort(String column) {
            this.column = column;
        }
    }

    /**
     * The filters of ListWorkflows; a null {@code appId} means every app of the user. As the API documents,
     * {@code bookmark} lists only bookmarks when true and only workflows that are not bookmarks when false.
     */
    public record Filter(
            String userId,
            String appId,
            boolean starredOnly,
            boolean featuredOnly,
            boolean bookmark,
            List<String> searchTerms,
            Sort sort,
            boolean ascending,
            Page page) {}

    private static final String COLUMNS = "pk, user_id, app_id, id, message";

    @Inject
    Db db;

    public long insert(Connection c, Workflow workflow) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO workflows (user_id, app_id, id, created_at, modified_at, latest_version_id, is_starred,"
                        + " star_count, is_public, is_bookmark, search_text, message)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                new String[] {"pk"})) {
            insert.setString(1, workflow.getUserId());
            insert.setString(2, workflow.getAppId());
            insert.setString(3, workflow.getId());
            Sql.setTime(insert, 4, Sql.instant(workflow.getCreatedAt()));
            bindState(insert, 5, workflow);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** Replaces the message and every column derived from it. */
    public void update(Connection c, long pk, Workflow workflow) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE workflows SET modified_at = ?, latest_version_id = ?, is_starred = ?, star_count = ?,"
                        + " is_public = ?, is_bookmark = ?, search_text = ?, message = ? WHERE pk = ?")) {
            bindState(update, 1, workflow);
            update.setLong(9, pk);
            update.executeUpdate();
        }
    }

    public void rename(Connection c, long pk, String newId) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE workflows SET id = ? WHERE pk = ?")) {
            update.setString(1, newId);
            update.setLong(2, pk);
            update.executeUpdate();
        }
    }

    public void delete(Connection c, long pk) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM workflows WHERE pk = ?")) {
            delete.setLong(1, pk);
            delete.executeUpdate();
        }
    }

    /**
     * The workflow, locked until the transaction of {@code c} ends: every read-modify-write of a workflow goes
     * through here, so two writers of one workflow take turns instead of overwriting each other.
     */
    public Optional<Stored> lock(Connection c, String userId, String appId, String id) throws SQLException {
        return select(c, userId, appId, id, " FOR UPDATE");
    }

    public Optional<Stored> find(String userId, String appId, String id) {
        return db.read(c -> select(c, userId, appId, id, ""));
    }

    private static Optional<Stored> select(Connection c, String userId, String appId, String id, String lock)
            throws SQLException {
        try (PreparedStatement query = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM workflows WHERE user_id = ? AND app_id = ? AND id = ?" + lock)) {
            query.setString(1, userId);
            query.setString(2, appId);
            query.setString(3, id);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        }
    }

    /** Every workflow of one app, locked for the transaction of {@code c}. */
    public List<Stored> allInApp(Connection c, String userId, String appId) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM workflows WHERE user_id = ? AND app_id = ? ORDER BY id FOR UPDATE")) {
            query.setString(1, userId);
            query.setString(2, appId);
            return readAll(query);
        }
    }

    public List<Stored> list(Filter filter) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM workflows WHERE user_id = ?");
        List<Object> args = new ArrayList<>(List.of(filter.userId()));
        if (filter.appId() != null) {
            sql.append(" AND app_id = ?");
            args.add(filter.appId());
        }
        if (filter.starredOnly()) {
            sql.append(" AND is_starred = TRUE");
        }
        if (filter.featuredOnly()) {
            sql.append(" AND is_public = TRUE");
        }
        sql.append(filter.bookmark() ? " AND is_bookmark = TRUE" : " AND is_bookmark = FALSE");
        for (String term : filter.searchTerms()) {
            sql.append(" AND search_text LIKE ? ESCAPE '\\'");
            args.add(Sql.likeContains(term.toLowerCase(Locale.ROOT)));
        }
        String direction = filter.ascending() ? " ASC" : " DESC";
        // Ids sort by code point on both databases; PostgreSQL would otherwise use its locale's collation.
        String id = db.dialect() == Db.Dialect.POSTGRESQL ? "id COLLATE \"C\"" : "id";
        sql.append(" ORDER BY ")
                .append(filter.sort() == Sort.ID ? id : filter.sort().column)
                .append(direction)
                .append(", ")
                .append(id)
                .append(direction)
                .append(" LIMIT ? OFFSET ?");
        args.add(filter.page().perPage());
        args.add(filter.page().offset());
        return db.read(c -> {
            try (PreparedStatement query = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    query.setObject(i + 1, args.get(i));
                }
                return readAll(query);
            }
        });
    }

    private static void bindState(PreparedStatement statement, int first, Workflow workflow) throws SQLException {
        Sql.setTime(statement, first, Sql.instant(workflow.getModifiedAt()));
        statement.setString(first + 1, workflow.getVersion().getId());
        statement.setBoolean(first + 2, workflow.getIsStarred());
        statement.setInt(first + 3, workflow.getStarCount());
        statement.setBoolean(
                first + 4, workflow.getVersion().getVisibility().getGettable() == Visibility.Gettable.PUBLIC);
        statement.setBoolean(first + 5, workflow.hasBookmarkOrigin());
        statement.setString(first + 6, searchText(workflow));
        statement.setBytes(
                first + 7,
                workflow.toBuilder()
                        .clearId()
                        .clearAppId()
                        .clearUserId()
                        .build()
                        .toByteArray());
    }

    /** What {@code search} matches: id, description, notes and use cases, lower-cased. */
    private static String searchText(Workflow workflow) {
        String text = String.join(
                "\n",
                workflow.getId(),
                workflow.getDescription(),
                workflow.getNotes(),
                String.join("\n", workflow.getUseCasesList()));
        text = text.toLowerCase(Locale.ROOT);
        return text.length() > 8192 ? text.substring(0, 8192) : text;
    }

    private static List<Stored> readAll(PreparedStatement query) throws SQLException {
        try (ResultSet rows = query.executeQuery()) {
            List<Stored> found = new ArrayList<>();
            while (rows.next()) {
                found.add(read(rows));
            }
            return found;
        }
    }

    private static Stored read(ResultSet rows) throws SQLException {
        Workflow stored = Sql.getMessage(rows, "message", Workflow.parser());
        String userId = rows.getString("user_id");
        String appId = rows.getString("app_id");
        String id = rows.getString("id");
        Workflow workflow = stored.toBuilder()
                .setId(id)
                .setAppId(appId)
                .setUserId(userId)
                .setVersion(stored.getVersion().toBuilder()
                        .setWorkflowId(id)
                        .setAppId(appId)
                        .setUserId(userId))
                .build();
        return new Stored(rows.getLong("pk"), workflow);
    }
}
