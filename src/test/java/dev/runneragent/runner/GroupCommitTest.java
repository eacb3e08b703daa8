package dev.runneragent.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runneragent.store.Db;
import dev.runneragent.store.StoreException;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Requests that share a transaction: each gets its own answer, and one the store refuses fails alone. */
@QuarkusTest
class GroupCommitTest {

    @Inject
    Db db;

    @Test
    void aRequestTheStoreRefusesFailsAloneAndTheRestOfItsBatchCommits() throws Exception {
        db.inTransaction(c -> {
            try (Statement create = c.createStatement()) {
                create.execute("CREATE TABLE IF NOT EXISTS group_commit_test (v VARCHAR(4) NOT NULL)");
                create.execute("DELETE FROM group_commit_test");
            }
            return null;
        });
        CountDownLatch firstBatchRuns = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<String, String> commits = new GroupCommit<>(db, "test-commit", 1, 16, (c, values) -> {
            batchSizes.add(values.size());
            if (values.contains("hold")) {
                firstBatchRuns.countDown();
                await(release);
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO group_commit_test VALUES (?)")) {
                for (String value : values) {
                    insert.setString(1, value);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return new GroupCommit.Outcomes<>(
                    new ArrayList<>(values.stream().map(v -> "stored " + v).toList()), () -> {});
        });
        try {
            CompletableFuture<String> first = commits.submit("hold");
            assertTrue(firstBatchRuns.await(10, TimeUnit.SECONDS));
            // These queue up while the first batch runs, so they share the next transaction.
            CompletableFuture<String> ok = commits.submit("ok");
            CompletableFuture<String> tooLong = commits.submit("far too long for the column");
            CompletableFuture<String> alsoOk = commits.submit("fine");
            release.countDown();

            assertEquals("stored hold", first.get(10, TimeUnit.SECONDS));
            assertEquals("stored ok", ok.get(10, TimeUnit.SECONDS));
            assertEquals("stored fine", alsoOk.get(10, TimeUnit.SECONDS));
            assertThrows(StoreException.class, () -> GroupCommit.await(tooLong));
            assertEquals(3, batchSizes.get(1), "the three shared a transaction first");
            assertEquals(List.of("fine", "hold", "ok"), stored());
        } finally {
            commits.close();
        }
    }

    @Test
    void aBatchWhoseCommitFailsRunsWhatFollowsARollbackInsteadOfACommit() throws Exception {
        AtomicInteger committed = new AtomicInteger();
        AtomicInteger rolledBack = new AtomicInteger();
        GroupCommit<String, String> commits = new GroupCommit<>(db, "test-rollback", 1, 16, (c, values) -> {
            c.close(); // the batch ran, and its commit fails
            return new GroupCommit.Outcomes<>(
                    new ArrayList<>(values), committed::incrementAndGet, rolledBack::incrementAndGet);
        });
        try {
            CompletableFuture<String> answer = commits.submit("lost");
            assertThrows(StoreException.class, () -> GroupCommit.await(answer));
            assertEquals(0, committed.get(), "nothing committed");
            assertEquals(1, rolledBack.get(), "the batch heard of its rollback once");
        } finally {
            commits.close();
        }
    }

    private List<String> stored() {
        return db.read(c -> {
            List<String> values = new ArrayList<>();
            try (Statement select = c.createStatement();
                    ResultSet rows = select.executeQuery("SELECT v FROM group_commit_test ORDER BY v")) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
