package dev.runneragent.workflow;

import com.clarifai.grpc.api.Workflow;
import com.clarifai.grpc.api.WorkflowVersion;
import dev.runneragent.api.Page;
import dev.runneragent.store.Db;
import dev.runneragent.store.Sql;
import dev.runneragent.workflow.WorkflowStore.Stored;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The versions of workflows, each kept whole. Workflow id, app and user are not stored in a version's message but
 * filled in from its workflow on read, so renaming a workflow leaves its versions untouched.
 */
@ApplicationScoped
public class VersionStore {

    @Inject
    Db db;

    public void insertVersion(Connection c, long workflowPk, WorkflowVersion version) throws SQLException {
        try (PreparedStatement insert =
                c.prepareStatement("INSERT INTO workflow_versions (workflow_pk, id, created_at, modified_at, message)"
                        + " VALUES (?, ?, ?, ?, ?)")) {
            insert.setLong(1, workflowPk);
            insert.setString(2, version.getId());
            Sql.setTime(insert, 3, Sql.instant(version.getCreatedAt()));
            Sql.setTime(insert, 4, Sql.instant(version.getModifiedAt()));
            insert.setBytes(5, stripIds(version).toByteArray());
            insert.executeUpdate();
        }
    }

    public void updateVersion(Connection c, long workflowPk, WorkflowVersion version) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE workflow_versions SET modified_at = ?, message = ? WHERE workflow_pk = ? AND id = ?")) {
            Sql.setTime(update, 1, Sql.instant(version.getModifiedAt()));
            update.setBytes(2, stripIds(version).toByteArray());
            update.setLong(3, workflowPk);
            update.setString(4, version.getId());
            update.executeUpdate();
        }
    }

    public boolean deleteVersion(Connection c, long workflowPk, String versionId) throws SQLException {
        try (PreparedStatement delete =
                c.prepareStatement("DELETE FROM workflow_versions WHERE workflow_pk = ? AND id = ?")) {
            delete.setLong(1, workflowPk);
            delete.setString(2, versionId);
            return delete.executeUpdate() > 0;
        }
    }

    public Optional<WorkflowVersion> findVersion(Connection c, Workflow owner, long workflowPk, String versionId)
            throws SQLException {
        try (PreparedStatement query =
                c.prepareStatement("SELECT message FROM workflow_versions WHERE workflow_pk = ? AND id = ?")) {
            query.setLong(1, workflowPk);
            query.setString(2, versionId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(readVersion(rows, owner)) : Optional.empty();
            }
        }
    }

    /** One page of a workflow's versions, newest first. */
    public List<WorkflowVersion> versions(Stored owner, Page page) {
        return db.read(c -> {
            try (PreparedStatement query = c.prepareStatement("SELECT message FROM workflow_versions"
                    + " WHERE workflow_pk = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")) {
                query.setLong(1, owner.pk());
                query.setInt(2, page.perPage());
                query.setLong(3, page.offset());
                try (ResultSet rows = query.executeQuery()) {
                    List<WorkflowVersion> versions = new ArrayList<>();
                    while (rows.next()) {
                        versions.add(readVersion(rows, owner.workflow()));
                    }
                    return versions;
                }
            }
        });
    }

    private static WorkflowVersion readVersion(ResultSet rows, Workflow owner) throws SQLException {
        return Sql.getMessage(rows, "message", WorkflowVersion.parser()).toBuilder()
                .setWorkflowId(owner.getId())
                .setAppId(owner.getAppId())
                .setUserId(owner.getUserId())
                .build();
    }

    private static WorkflowVersion stripIds(WorkflowVersion version) {
        return version.toBuilder().clearWorkflowId().clearAppId().clearUserId().build();
    }
}
