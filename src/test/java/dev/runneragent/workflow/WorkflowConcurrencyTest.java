package dev.runneragent.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clarifai.grpc.api.GetWorkflowRequest;
import com.clarifai.grpc.api.ListWorkflowVersionsRequest;
import com.clarifai.grpc.api.PatchWorkflowsRequest;
import com.clarifai.grpc.api.PostWorkflowsRequest;
import com.clarifai.grpc.api.UserAppIDSet;
import com.clarifai.grpc.api.Workflow;
import com.clarifai.grpc.api.WorkflowNode;
import dev.runneragent.api.Caller;
import dev.runneragent.api.ProtoJson;
import dev.runneragent.testing.TestNode;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Writers of one workflow take turns: concurrent patches neither lose each other's changes nor leave the workflow
 * pointing at a version that does not hold its nodes. {@link WorkflowConcurrencyPostgresTest} runs it on
 * PostgreSQL.
 */
@QuarkusTest
class WorkflowConcurrencyTest {

    private static final int WRITERS = 8;
    private static final Caller ADMIN =
            new Caller(TestNode.ADMIN, Caller.KeyType.PERSONAL_ACCESS_TOKEN, Set.of("All"), Set.of(), Set.of());

    @Inject
    WorkflowService workflows;

    @Inject
    VersionService versions;

    @Test
    void concurrentMergesKeepEveryChange() throws Exception {
        UserAppIDSet app = create("concurrent-metadata");
        runTogether(IntStream.range(0, WRITERS)
                .mapToObj(i -> (Callable<Object>) () -> patch(app, """
                {"action":"merge","workflows":[{"id":"concurrent-metadata","metadata":{"writer%d":true}}]}""".formatted(i)))
                .toList());
        Workflow result = get(app, "concurrent-metadata");
        for (int i = 0; i < WRITERS; i++) {
            assertEquals(
                    true, result.getMetadata().getFieldsOrThrow("writer" + i).getBoolValue(), "writer" + i);
        }
    }

    @Test
    void concurrentNodeChangesEachMakeAVersionAndTheLatestHoldsEveryNode() throws Exception {
        UserAppIDSet app = create("concurrent-nodes");
        runTogether(IntStream.range(0, WRITERS)
                .mapToObj(i -> (Callable<Object>) () -> patch(app, """
                {"action":"merge","workflows":[{"id":"concurrent-nodes","nodes":[
                  {"id":"extra%d","model":{"id":"text-embedder"},"nodeInputs":[{"nodeId":"classify"}]}]}]}""".formatted(i)))
                .toList());
        Workflow result = get(app, "concurrent-nodes");
        assertEquals(WRITERS + 1, result.getNodesCount());
        List<com.clarifai.grpc.api.WorkflowVersion> all = versions.listVersions(
                        ADMIN,
                        ListWorkflowVersionsRequest.newBuilder()
                                .setUserAppId(app)
                                .setWorkflowId("concurrent-nodes")
                                .build())
                .getWorkflowVersionsList();
        assertEquals(WRITERS + 1, all.size());
        assertEquals(result.getVersion().getId(), all.get(0).getId());
        assertEquals(
                result.getNodesList().stream().map(WorkflowNode::getId).toList(),
                all.get(0).getNodesList().stream().map(WorkflowNode::getId).toList());
    }

    private UserAppIDSet create(String id) {
        UserAppIDSet app = UserAppIDSet.newBuilder()
                .setAppId("concurrency-" + System.nanoTime())
                .build();
        PostWorkflowsRequest.Builder request = PostWorkflowsRequest.newBuilder().setUserAppId(app);
        ProtoJson.merge("""
                {"workflows":[{"id":"%s","nodes":[{"id":"classify","model":{"id":"colour-classifier"}}]}]}""".formatted(id), request);
        workflows.postWorkflows(ADMIN, request.build());
        return app;
    }

    private Object patch(UserAppIDSet app, String body) {
        PatchWorkflowsRequest.Builder request = PatchWorkflowsRequest.newBuilder();
        ProtoJson.merge(body, request);
        return workflows.patchWorkflows(ADMIN, request.setUserAppId(app).build(), body);
    }

    private Workflow get(UserAppIDSet app, String id) {
        return workflows
                .getWorkflow(
                        ADMIN,
                        GetWorkflowRequest.newBuilder()
                                .setUserAppId(app)
                                .setWorkflowId(id)
                                .build())
                .getWorkflow();
    }

    /** Starts every task at once and waits for all; a task's failure fails the test. */
    private static void runTogether(List<Callable<Object>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Object>> results = new ArrayList<>();
            for (Callable<Object> task : tasks) {
                results.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            for (Future<Object> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
