package dev.runneragent.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.Concept;
import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.DeleteRunnersRequest;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.MultiRunnerItemOutputResponse;
import com.clarifai.grpc.api.Output;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.PostRunnerItemOutputsRequest;
import com.clarifai.grpc.api.Runner;
import com.clarifai.grpc.api.RunnerItemOutput;
import com.clarifai.grpc.api.Text;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.api.Caller;
import dev.runneragent.runner.ItemStore.Leased;
import dev.runneragent.runner.ItemStore.Target;
import dev.runneragent.store.Db;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The queue under concurrency, through its services (no HTTP): many runners polling one queue never hold the same
 * item at once, every item completes exactly once, an expired lease re-delivers the item, and a repeated or late
 * completion changes nothing. {@link RunnerQueueConcurrencyPostgresTest} runs the same on PostgreSQL.
 */
@QuarkusTest
class RunnerQueueConcurrencyTest {

    private static final String USER = "admin";

    @Inject
    Db db;

    private StoredItems stored;

    @Inject
    RunnerStore runners;

    @Inject
    RunnerQueue queue;

    @Inject
    ItemReports reports;

    @Inject
    Dispatcher dispatcher;

    @Inject
    HubSweeper sweeper;

    @Inject
    HubConfig config;

    @Inject
    RunnerService service;

    private static Caller caller() {
        return new Caller(USER, Caller.KeyType.PERSONAL_ACCESS_TOKEN, Set.of(), Set.of(), Set.of());
    }

    @BeforeEach
    void readStore() {
        stored = new StoredItems(db);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private RunnerProfile register(String modelId, int capacity) {
        RunnerProfile profile = new RunnerProfile(USER, unique("r"), modelId, "", "", "", List.of(), capacity, null);
        db.inTransaction(c -> runners.insert(
                c, Runner.newBuilder().setId(profile.id()).setUserId(USER).build(), profile, Instant.now()));
        return profile;
    }

    private static PostModelOutputsRequest request(String modelId, int inputs) {
        PostModelOutputsRequest.Builder request =
                PostModelOutputsRequest.newBuilder().setModelId(modelId);
        for (int i = 0; i < inputs; i++) {
            request.addInputs(Input.newBuilder()
                    .setId("in" + i)
                    .setData(Data.newBuilder().setText(Text.newBuilder().setRaw("text " + i))));
        }
        return request.build();
    }

    private CompletableFuture<MultiOutputResponse> submit(String modelId, Duration timeout) {
        return dispatcher.submit(USER, request(modelId, 1), Target.ANY, Resources.NONE, timeout);
    }

    /** A completion that names who made it, one output per input. */
    private static PostRunnerItemOutputsRequest completion(Leased item, String concept) {
        MultiOutputResponse.Builder response =
                MultiOutputResponse.newBuilder().setStatus(Status.newBuilder().setCode(StatusCode.SUCCESS));
        for (int i = 0; i < item.request().getInputsCount(); i++) {
            response.addOutputs(Output.newBuilder()
                    .setStatus(Status.newBuilder().setCode(StatusCode.SUCCESS))
                    .setData(Data.newBuilder()
                            .addConcepts(Concept.newBuilder().setId(concept).setValue(1))));
        }
        return PostRunnerItemOutputsRequest.newBuilder()
                .setRunnerItemId(item.id())
                .addRunnerItemOutputs(RunnerItemOutput.newBuilder().setMultiOutputResponse(response))
                .build();
    }

    private static String concept(MultiOutputResponse response) {
        return response.getOutputs(0).getData().getConcepts(0).getId();
    }

    private List<Leased> poll(RunnerProfile runner) throws Exception {
        return queue.poll(runner).get(30, TimeUnit.SECONDS);
    }

    @Test
    void manyRunnersNeverHoldTheSameItemAndEveryItemCompletesOnce() throws Exception {
        String model = unique("crowd");
        int itemCount = 400;
        List<RunnerProfile> crowd = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            crowd.add(register(model, 1 + i % 4));
        }
        List<CompletableFuture<MultiOutputResponse>> callers = new ArrayList<>();
        for (int i = 0; i < itemCount; i++) {
            PostModelOutputsRequest request = PostModelOutputsRequest.newBuilder()
                    .setModelId(model)
                    .addInputs(Input.newBuilder().setId("caller-" + i))
                    .build();
            callers.add(dispatcher.submit(USER, request, Target.ANY, Resources.NONE, Duration.ofSeconds(60)));
        }
        Set<String> held = ConcurrentHashMap.newKeySet();
        Map<String, String> leasedBy = new ConcurrentHashMap<>();
        Map<String, String> itemOfCaller = new ConcurrentHashMap<>();
        AtomicInteger doubleLeases = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(crowd.size());
        List<Future<?>> loops = new ArrayList<>();
        for (RunnerProfile runner : crowd) {
            loops.add(threads.submit(() -> {
                while (completed.get() < itemCount) {
                    for (Leased item : poll(runner)) {
                        itemOfCaller.put(item.request().getInputs(0).getId(), item.id());
                        if (!held.add(item.id()) || leasedBy.putIfAbsent(item.id(), runner.id()) != null) {
                            doubleLeases.incrementAndGet();
                        }
                        // The result names the runner and the caller's input, so that swapped results would show.
                        reports.report(
                                runner,
                                completion(
                                        item,
                                        runner.id() + "/"
                                                + item.request().getInputs(0).getId()));
                        held.remove(item.id());
                        completed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (CompletableFuture<MultiOutputResponse> caller : callers) {
            MultiOutputResponse answer = caller.get(60, TimeUnit.SECONDS);
            assertEquals(StatusCode.SUCCESS, answer.getStatus().getCode(), answer.toString());
        }
        for (Future<?> loop : loops) {
            loop.get(30, TimeUnit.SECONDS); // each runner counts its last completion after its caller was answered
        }
        threads.shutdown();
        assertEquals(0, doubleLeases.get(), "no item was handed to two runners");
        assertEquals(itemCount, completed.get(), "every item was completed exactly once");
        assertEquals(itemCount, leasedBy.size());
        for (int i = 0; i < itemCount; i++) {
            // each caller got the outputs of its own item, from the runner that held it
            String[] answer = concept(callers.get(i).get()).split("/");
            assertEquals("caller-" + i, answer[1]);
            assertEquals(leasedBy.get(itemOfCaller.get(answer[1])), answer[0]);
        }
        assertEquals(itemCount, stored.count(model, "DONE"));
    }

    @Test
    void anExpiredLeaseRedeliversAndTheLateCompletionChangesNothing() throws Exception {
        String model = unique("expiry");
        RunnerProfile slow = register(model, 1);
        RunnerProfile fresh = register(model, 1);
        CompletableFuture<MultiOutputResponse> caller = submit(model, Duration.ofSeconds(60));
        Leased first = poll(slow).get(0);
        assertEquals(1, first.attempt());

        stored.expireLease(first.id());
        sweeper.sweep();
        assertEquals("PENDING", stored.state(first.id()));

        Leased second = poll(fresh).get(0);
        assertEquals(first.id(), second.id(), "the same item, re-delivered");
        assertEquals(2, second.attempt());
        ItemCancelledException late =
                assertThrows(ItemCancelledException.class, () -> reports.report(slow, completion(first, "late")));
        assertTrue(late.details().contains("no longer holds"), late.details());

        reports.report(fresh, completion(second, "fresh"));
        assertEquals("fresh", concept(caller.get(10, TimeUnit.SECONDS)));
        assertThrows(ItemCancelledException.class, () -> reports.report(slow, completion(first, "later still")));
        assertEquals("fresh", concept(stored.response(first.id())), "the late completions changed nothing");
    }

    @Test
    void theLastExpiredAttemptFailsTheItemWithProcessingFailed() throws Exception {
        String model = unique("doomed");
        RunnerProfile runner = register(model, 1);
        CompletableFuture<MultiOutputResponse> caller = submit(model, Duration.ofSeconds(60));
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            Leased item = poll(runner).get(0);
            assertEquals(attempt, item.attempt());
            stored.expireLease(item.id());
            sweeper.sweep();
        }
        MultiOutputResponse answer = caller.get(10, TimeUnit.SECONDS);
        assertEquals(StatusCode.RUNNER_PROCESSING_FAILED, answer.getStatus().getCode());
        assertTrue(answer.getStatus().getDetails().contains(config.maxAttempts() + " attempt(s)"), answer.toString());
        assertEquals(0, answer.getOutputsCount());
    }

    @Test
    void concurrentRepeatsOfACompletionKeepTheFirst() throws Exception {
        String model = unique("repeats");
        RunnerProfile runner = register(model, 1);
        CompletableFuture<MultiOutputResponse> caller = submit(model, Duration.ofSeconds(60));
        Leased item = poll(runner).get(0);
        int senders = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(senders);
        List<Future<MultiRunnerItemOutputResponse>> answers = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            String concept = "copy" + i;
            answers.add(threads.submit(() -> {
                start.await();
                return reports.report(runner, completion(item, concept));
            }));
        }
        start.countDown();
        String kept = concept(caller.get(10, TimeUnit.SECONDS));
        for (Future<MultiRunnerItemOutputResponse> answer : answers) {
            MultiRunnerItemOutputResponse response = answer.get(10, TimeUnit.SECONDS);
            assertEquals(kept, concept(response.getRunnerItemOutputs(0).getMultiOutputResponse()));
        }
        threads.shutdown();
        assertEquals(kept, concept(stored.response(item.id())));
    }

    @Test
    void aCallerWhoseDeadlinePassesGetsATimeoutAndTheItemIsCancelled() throws Exception {
        String model = unique("late");
        RunnerProfile runner = register(model, 1);
        MultiOutputResponse answer = submit(model, Duration.ofMillis(300)).get(10, TimeUnit.SECONDS);
        assertEquals(StatusCode.RPC_REQUEST_TIMEOUT, answer.getStatus().getCode());
        assertTrue(answer.getStatus().getDetails().contains("no runner took the item"), answer.toString());
        assertEquals(0, stored.count(model, "PENDING"));
        assertEquals(1, stored.count(model, "CANCELLED"));
        assertTrue(queue.poll(runner).get(30, TimeUnit.SECONDS).isEmpty(), "a cancelled item is not handed out");
    }

    @Test
    void aCallerThatGivesUpCancelsTheItemItsRunnerHolds() throws Exception {
        String model = unique("gives-up");
        RunnerProfile runner = register(model, 1);
        CompletableFuture<MultiOutputResponse> caller = submit(model, Duration.ofSeconds(60));
        Leased item = poll(runner).get(0);
        caller.cancel(false);
        for (int i = 0; i < 50 && !"CANCELLED".equals(stored.state(item.id())); i++) {
            Thread.sleep(50);
        }
        ItemCancelledException told =
                assertThrows(ItemCancelledException.class, () -> reports.report(runner, completion(item, "x")));
        assertTrue(told.details().contains("cancelled"), told.details());
    }

    @Test
    void aDeletedRunnersItemsGoBackUncharged() throws Exception {
        String model = unique("orphan");
        RunnerProfile doomed = register(model, 1);
        RunnerProfile heir = register(model, 1);
        CompletableFuture<MultiOutputResponse> caller = submit(model, Duration.ofSeconds(60));
        Leased item = poll(doomed).get(0);
        CompletableFuture<MultiOutputResponse> addressed = dispatcher.submit(
                USER, request(model, 1), new Target(doomed.id(), "", ""), Resources.NONE, Duration.ofSeconds(60));
        assertEquals(1, poll(doomed).size(), "the runner holds the item addressed to it too");
        CompletableFuture<List<Leased>> waiting = queue.poll(doomed);
        assertFalse(waiting.isDone(), "nothing else to lease: the poll waits");

        service.deleteRunners(
                caller(), DeleteRunnersRequest.newBuilder().addIds(doomed.id()).build());

        assertEquals(List.of(), waiting.get(5, TimeUnit.SECONDS), "the deleted runner's waiting poll ended");
        MultiOutputResponse orphaned = addressed.get(10, TimeUnit.SECONDS);
        assertEquals(StatusCode.RUNNER_DOES_NOT_EXIST, orphaned.getStatus().getCode(), "addressed to it alone");
        Leased again = poll(heir).get(0);
        assertEquals(item.id(), again.id());
        assertEquals(1, again.attempt(), "the deleted runner's attempt is not charged");
        reports.report(heir, completion(again, "heir"));
        assertEquals("heir", concept(caller.get(10, TimeUnit.SECONDS)));
    }

    @Test
    void aWaitingPollIsWokenByANewItem() throws Exception {
        String model = unique("wake");
        RunnerProfile runner = register(model, 1);
        CompletableFuture<List<Leased>> waiting = queue.poll(runner);
        Thread.sleep(100);
        assertTrue(!waiting.isDone(), "nothing to lease yet");
        CompletableFuture<MultiOutputResponse> caller = submit(model, Duration.ofSeconds(60));
        List<Leased> woken = waiting.get(config.longPoll().toMillis() / 2, TimeUnit.MILLISECONDS);
        assertEquals(1, woken.size(), "woken before the long poll ran out");
        reports.report(runner, completion(woken.get(0), "woken"));
        assertEquals("woken", concept(caller.get(10, TimeUnit.SECONDS)));
    }

    @Test
    void waitingPollsAreHandedNewItemsByTheTransactionThatQueuesThem() throws Exception {
        String model = unique("handoff");
        RunnerProfile first = register(model, 4);
        RunnerProfile second = register(model, 4);
        CompletableFuture<List<Leased>> firstPoll = queue.poll(first);
        CompletableFuture<List<Leased>> secondPoll = queue.poll(second);
        assertFalse(firstPoll.isDone() || secondPoll.isDone(), "nothing to lease yet");
        List<ItemStore.NewItem> six = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            six.add(new ItemStore.NewItem(
                    unique("item"),
                    USER,
                    request(model, 1),
                    Target.ANY,
                    Resources.NONE,
                    Instant.now().plusSeconds(60)));
        }
        queue.submit(six); // returns once committed: the polls' answers come with that commit, not after another
        assertTrue(firstPoll.isDone() && secondPoll.isDone(), "both polls were answered by the submission");
        assertEquals(4, firstPoll.get().size(), "the longest-waiting poll takes its capacity");
        assertEquals(2, secondPoll.get().size(), "the next poll takes the rest");
        List<String> handed = new ArrayList<>();
        firstPoll.get().forEach(item -> handed.add(item.id()));
        secondPoll.get().forEach(item -> handed.add(item.id()));
        assertEquals(six.stream().map(ItemStore.NewItem::id).toList(), handed, "oldest first, each once");
        for (String id : handed) {
            assertEquals("LEASED", stored.state(id));
        }
        assertTrue(poll(register(model, 4)).isEmpty(), "nothing was left pending");
    }

    @Test
    void aRunnerOnlyGetsItemsItsResourcesAndSelectorAllow() throws Exception {
        String model = unique("fit");
        RunnerProfile small = new RunnerProfile(
                USER, unique("small"), model, "", "", "", List.of(), 4, new Resources(500, 1L << 30, 0, 0, List.of()));
        RunnerProfile big = new RunnerProfile(
                USER,
                unique("big"),
                model,
                "",
                "",
                "pool-b",
                List.of(),
                4,
                new Resources(8000, 32L << 30, 1, 24L << 30, List.of("NVIDIA-A10G")));
        for (RunnerProfile profile : List.of(small, big)) {
            db.inTransaction(c ->
                    runners.insert(c, Runner.newBuilder().setId(profile.id()).build(), profile, Instant.now()));
        }
        Resources gpu = new Resources(1000, 1L << 30, 1, 16L << 30, List.of("nvidia-a10g"));
        CompletableFuture<MultiOutputResponse> needsGpu =
                dispatcher.submit(USER, request(model, 1), Target.ANY, gpu, Duration.ofSeconds(60));
        CompletableFuture<MultiOutputResponse> forSmall = dispatcher.submit(
                USER, request(model, 1), new Target(small.id(), "", ""), Resources.NONE, Duration.ofSeconds(60));
        List<Leased> bigGot = poll(big);
        assertEquals(1, bigGot.size(), "the big runner, polling first, gets the GPU item and not the addressed one");
        assertEquals(model, bigGot.get(0).modelId());
        List<Leased> smallGot = poll(small);
        assertEquals(1, smallGot.size(), "the small runner gets only what it can run");
        reports.report(small, completion(smallGot.get(0), "small"));
        reports.report(big, completion(bigGot.get(0), "big"));
        assertEquals("small", concept(forSmall.get(10, TimeUnit.SECONDS)));
        assertEquals("big", concept(needsGpu.get(10, TimeUnit.SECONDS)));
    }
}
