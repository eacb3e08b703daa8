package dev.runneragent.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.Visibility;
import com.clarifai.grpc.api.Workflow;
import com.clarifai.grpc.api.WorkflowNode;
import com.clarifai.grpc.api.WorkflowVersion;
import dev.runneragent.api.Page;
import dev.runneragent.store.Db;
import dev.runneragent.store.Sql;
import dev.runneragent.store.StoreException;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The workflow store on the embedded H2 file; {@link WorkflowStorePostgresTest} runs the same on PostgreSQL. */
@QuarkusTest
class WorkflowStoreTest {

    private static final String USER = "store-user";
    private static final Instant T0 = Instant.parse("2024-04-25T10:00:00Z");

    @Inject
    Db db;

    @Inject
    WorkflowStore store;

    @Inject
    VersionStore versionStore;

    @Test
    void roundTripsAWorkflowAndItsVersions() {
        String app = app();
        Workflow workflow = workflow(app, "round-trip", T0, "first");
        long pk = db.inTransaction(c -> {
            long key = store.insert(c, workflow);
            versionStore.insertVersion(c, key, Workflows.versionOf(workflow));
            return key;
        });
        WorkflowStore.Stored found = store.find(USER, app, "round-trip").orElseThrow();
        assertEquals(pk, found.pk());
        assertEquals(workflow, found.workflow());
        WorkflowVersion version = db.read(c -> versionStore.findVersion(c, found.workflow(), pk, "v-round-trip"))
                .orElseThrow();
        assertEquals(
                List.of("n"),
                version.getNodesList().stream().map(WorkflowNode::getId).toList());
        assertEquals("round-trip", version.getWorkflowId());
    }

    @Test
    void aFailedTransactionLeavesNothingBehind() {
        String app = app();
        assertThrows(
                IllegalStateException.class,
                () -> db.inTransaction(c -> {
                    store.insert(c, workflow(app, "half-written", T0, ""));
                    throw new IllegalStateException("fails after the first write");
                }));
        assertTrue(store.find(USER, app, "half-written").isEmpty());
    }

    @Test
    void duplicateIdInOneAppIsRefusedByTheDatabase() {
        String app = app();
        db.inTransaction(c -> store.insert(c, workflow(app, "twice", T0, "")));
        assertThrows(
                StoreException.DuplicateKeyException.class,
                () -> db.inTransaction(c -> store.insert(c, workflow(app, "twice", T0, ""))));
        db.inTransaction(c -> store.insert(c, workflow(app(), "twice", T0, "")));
    }

    @Test
    void listsSortFilterSearchAndPaginateInTheDatabase() {
        String app = app();
        db.inTransaction(c -> {
            store.insert(c, workflow(app, "alpha", T0, "Finds 100% of CATS"));
            store.insert(c, workflow(app, "beta", T0.plusSeconds(1), "dogs"));
            store.insert(c, workflow(app, "gamma", T0.plusSeconds(2), "cats_and_dogs"));
            return null;
        });
        assertEquals(
                List.of("gamma", "beta", "alpha"),
                ids(filter(app, List.of(), WorkflowStore.Sort.MODIFIED_AT, false, new Page(1, 10))));
        assertEquals(
                List.of("alpha", "beta"), ids(filter(app, List.of(), WorkflowStore.Sort.ID, true, new Page(1, 2))));
        assertEquals(List.of("gamma"), ids(filter(app, List.of(), WorkflowStore.Sort.ID, true, new Page(2, 2))));
        assertEquals(
                List.of("gamma", "alpha"),
                ids(filter(app, List.of("cats"), WorkflowStore.Sort.MODIFIED_AT, false, new Page(1, 10))));
        assertEquals(List.of("alpha"), ids(filter(app, List.of("100%"), WorkflowStore.Sort.ID, true, new Page(1, 10))));
        assertEquals(List.of("gamma"), ids(filter(app, List.of("s_a"), WorkflowStore.Sort.ID, true, new Page(1, 10))));
    }

    @Test
    void idsSortByCodePointOnEveryDatabase() {
        String app = app();
        db.inTransaction(c -> {
            for (String id : List.of("alpha", "Zeta", "a-c")) {
                store.insert(c, workflow(app, id, T0, ""));
            }
            return null;
        });
        assertEquals(
                List.of("Zeta", "a-c", "alpha"),
                ids(filter(app, List.of(), WorkflowStore.Sort.ID, true, new Page(1, 10))));
    }

    @Test
    void renameMovesTheWorkflowAndKeepsItsVersions() {
        String app = app();
        Workflow workflow = workflow(app, "before", T0, "");
        long pk = db.inTransaction(c -> {
            long key = store.insert(c, workflow);
            versionStore.insertVersion(c, key, Workflows.versionOf(workflow));
            store.rename(c, key, "after");
            return key;
        });
        assertFalse(store.find(USER, app, "before").isPresent());
        WorkflowStore.Stored renamed = store.find(USER, app, "after").orElseThrow();
        assertEquals(pk, renamed.pk());
        assertEquals(1, versionStore.versions(renamed, new Page(1, 10)).size());
        assertEquals(
                "after", versionStore.versions(renamed, new Page(1, 10)).get(0).getWorkflowId());
    }

    private List<String> ids(WorkflowStore.Filter filter) {
        return store.list(filter).stream().map(s -> s.workflow().getId()).toList();
    }

    private static WorkflowStore.Filter filter(
            String app, List<String> terms, WorkflowStore.Sort sort, boolean ascending, Page page) {
        return new WorkflowStore.Filter(USER, app, false, false, false, terms, sort, ascending, page);
    }

    private static String app() {
        return "app-" + UUID.randomUUID();
    }

    private static Workflow workflow(String app, String id, Instant time, String description) {
        return Workflow.newBuilder()
                .setId(id)
                .setAppId(app)
                .setUserId(USER)
                .setDescription(description)
                .setCreatedAt(Sql.timestamp(time))
                .setModifiedAt(Sql.timestamp(time))
                .setVisibility(Visibility.newBuilder().setGettable(Visibility.Gettable.PRIVATE))
                .addNodes(WorkflowNode.newBuilder()
                        .setId("n")
                        .setModel(Model.newBuilder().setId("colour-classifier")))
                .setVersion(WorkflowVersion.newBuilder()
                        .setId("v-" + id)
                        .setCreatedAt(Sql.timestamp(time))
                        .setModifiedAt(Sql.timestamp(time))
                        .setWorkflowId(id)
                        .setAppId(app)
                        .setUserId(USER))
                .build();
    }
}
