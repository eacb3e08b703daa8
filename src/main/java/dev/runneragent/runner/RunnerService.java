package dev.runneragent.runner;

import com.clarifai.grpc.api.DeleteRunnersRequest;
import com.clarifai.grpc.api.GetRunnerRequest;
import com.clarifai.grpc.api.ListRunnerItemsRequest;
import com.clarifai.grpc.api.ListRunnersRequest;
import com.clarifai.grpc.api.MultiRunnerItemOutputResponse;
import com.clarifai.grpc.api.MultiRunnerItemResponse;
import com.clarifai.grpc.api.MultiRunnerResponse;
import com.clarifai.grpc.api.PostRunnerItemOutputsRequest;
import com.clarifai.grpc.api.PostRunnersRequest;
import com.clarifai.grpc.api.ProcessingInfo;
import com.clarifai.grpc.api.Runner;
import com.clarifai.grpc.api.RunnerItem;
import com.clarifai.grpc.api.RunnerMethodType;
import com.clarifai.grpc.api.SingleRunnerResponse;
import com.clarifai.grpc.api.UserAppIDSet;
import com.clarifai.grpc.api.status.BaseResponse;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.gson.JsonObject;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.runneragent.api.ApiException;
import dev.runneragent.api.Caller;
import dev.runneragent.api.Page;
import dev.runneragent.api.PatchBody;
import dev.runneragent.api.ResourceKind;
import dev.runneragent.runner.ItemStore.Leased;
import dev.runneragent.runner.RunnerStore.StoredRunner;
import dev.runneragent.store.Db;
import dev.runneragent.store.StoreException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Runners of a user: register ({@code PostRunners}), read, list and delete them, and the two calls a runner makes
 * about its work: {@code ListRunnerItems} (a long poll, {@link RunnerQueue#poll}) and {@code PostRunnerItemOutputs}
 * ({@link ItemReports}).
 *
 * <p>A runner's binding is stored in the 10.3 form ({@code model} or {@code workflow}); the later
 * {@code worker.model} / {@code worker.workflow} are read from the JSON body and stored the same way, as is the
 * later {@code computeInfo.cpuLimit}. {@code metadata.models} (a list of model ids) advertises the models an unbound
 * runner hosts; {@code metadata.capacity} (1 to {@code runner.hub.max-capacity}) is how many items one poll may
 * lease.
 */
@ApplicationScoped
public class RunnerService {

    private static final ResourceKind KIND = ResourceKind.RUNNER;

    static final int MAX_RUNNERS_PER_REQUEST = 128;

    /** The metadata key {@code GetRunner} and {@code ListRunners} add: when the runner last polled. */
    public static final String LAST_SEEN = "last_seen_at";

    private final Db db;
    private final RunnerStore store;
    private final RunnerQueue queue;
    private final ItemReports reports;
    private final HubConfig config;
    private final Clock clock;

    @Inject
    public RunnerService(
            Db db, RunnerStore store, RunnerQueue queue, ItemReports reports, HubConfig config, Clock clock) {
        this.db = db;
        this.store = store;
        this.queue = queue;
        this.reports = reports;
        this.config = config;
        this.clock = clock;
    }

    public MultiRunnerResponse postRunners(Caller caller, PostRunnersRequest request, String body) {
        String userId = caller.user(request.getUserAppId(), KIND);
        if (request.getRunnersCount() == 0) {
            throw KIND.invalid("runners must hold at least one runner");
        }
        if (request.getRunnersCount() > MAX_RUNNERS_PER_REQUEST) {
            throw KIND.invalid(
                    "at most " + MAX_RUNNERS_PER_REQUEST + " runners per request, got " + request.getRunnersCount());
        }
        List<JsonObject> sent = PatchBody.items(body, request, "runners");
        RunnerRegistration registration = new RunnerRegistration(config.maxCapacity());
        Instant now = clock.instant();
        Timestamp created = Timestamp.newBuilder()
                .setSeconds(now.getEpochSecond())
                .setNanos(now.getNano())
                .build();
        List<Runner> runners = new ArrayList<>();
        List<RunnerProfile> profiles = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < request.getRunnersCount(); i++) {
            Runner runner =
                    registration.normalized(request.getRunners(i), sent.get(i), userId, created, "runners[" + i + "]");
            if (!ids.add(runner.getId())) {
                throw duplicate(runner.getId(), "is given twice in this request");
            }
            runners.add(runner);
            profiles.add(registration.profile(runner, sent.get(i), "runners[" + i + "]"));
        }
        try {
            db.inTransaction(c -> {
                for (int i = 0; i < runners.size(); i++) {
                    if (!store.insert(c, runners.get(i), profiles.get(i), now)) {
                        throw duplicate(runners.get(i).getId(), "exists already");
                    }
                }
                return null;
            });
        } catch (StoreException.DuplicateKeyException e) { // a concurrent request registered one of them first
            throw duplicate(String.join("', '", ids), "(or one of them) was registered by a concurrent request");
        }
        return MultiRunnerResponse.newBuilder().addAllRunners(runners).build();
    }

    private static ApiException duplicate(String id, String why) {
        return new ApiException.DuplicateResourceException(
                StatusCode.DATABASE_DUPLICATE_KEY, "runner '" + id + "' " + why + "; runner ids are unique per user");
    }

    public SingleRunnerResponse getRunner(Caller caller, GetRunnerRequest request) {
        return SingleRunnerResponse.newBuilder()
                .setRunner(shown(find(caller, request.getUserAppId(), request.getRunnerId())))
                .build();
    }

    public MultiRunnerResponse listRunners(Caller caller, ListRunnersRequest request) {
        String userId = caller.user(request.getUserAppId(), KIND);
        Page page = Page.of(request.getPage(), request.getPerPage(), KIND);
        return MultiRunnerResponse.newBuilder()
                .addAllRunners(store.list(userId, page).stream()
                        .map(RunnerService::shown)
                        .toList())
                .build();
    }

    /**
     * Deletes all the runners named, or none: each must exist. In the same transaction the items they hold go back
     * to the queue and items addressed to them fail; their waiting polls end.
     */
    public BaseResponse deleteRunners(Caller caller, DeleteRunnersRequest request) {
        String userId = caller.user(request.getUserAppId(), KIND);
        if (request.getIdsCount() == 0) {
            throw KIND.invalid("ids must name at least one runner");
        }
        Set<String> ids = new LinkedHashSet<>(request.getIdsList());
        RunnerQueue.Release release = new RunnerQueue.Release();
        db.inTransaction(c -> {
            for (String id : ids) {
                if (store.find(c, userId, id).isEmpty()) {
                    throw notFound(id);
                }
            }
            store.delete(c, userId, ids);
            for (String id : ids) {
                queue.releaseItemsOf(c, userId, id, release);
            }
            queue.publish(c, release.failed);
            return null;
        });
        queue.runnersDeleted(userId, ids, release);
        return BaseResponse.getDefaultInstance();
    }

    /**
     * A long poll for work: answers the runner's leased items, or {@code RUNNER_NEEDS_RETRY} with none when the
     * poll ran out. Cancelling the answer (the runner hung up) ends the poll.
     */
    public CompletableFuture<Message> listRunnerItems(Caller caller, ListRunnerItemsRequest request) {
        RunnerProfile runner =
                find(caller, request.getUserAppId(), request.getRunnerId()).profile();
        CompletableFuture<List<Leased>> poll = queue.poll(runner);
        CompletableFuture<Message> answer = poll.thenApply(leased -> {
            if (leased.isEmpty()) {
                return MultiRunnerItemResponse.newBuilder()
                        .setStatus(Status.newBuilder()
                                .setCode(StatusCode.RUNNER_NEEDS_RETRY)
                                .setDetails("no work for runner '" + runner.id() + "' within "
                                        + config.longPoll().toMillis() + " ms; poll again"))
                        .build();
            }
            MultiRunnerItemResponse.Builder items = MultiRunnerItemResponse.newBuilder();
            leased.forEach(item -> items.addRunnerItems(item(item)));
            return items.build();
        });
        // A runner that hung up stops waiting: nothing is leased for it afterwards, and what its poll leased just
        // before goes back.
        answer.whenComplete((items, error) -> {
            if (answer.isCancelled() && !poll.cancel(false)) {
                poll.thenAccept(leased -> {
                    if (!leased.isEmpty()) {
                        queue.handBack(runner, leased);
                    }
                });
            }
        });
        return answer;
    }

    private RunnerItem item(Leased leased) {
        return RunnerItem.newBuilder()
                .setId(leased.id())
                .setDescription("attempt " + leased.attempt() + " of " + config.maxAttempts())
                .setProcessingInfo(ProcessingInfo.newBuilder().setRunnerMethodType(RunnerMethodType.UNARY_UNARY))
                .setPostModelOutputsRequest(leased.request())
                .build();
    }

    public CompletableFuture<MultiRunnerItemOutputResponse> postRunnerItemOutputs(
            Caller caller, PostRunnerItemOutputsRequest request) {
        RunnerProfile runner =
                find(caller, request.getUserAppId(), request.getRunnerId()).profile();
        return reports.reportAsync(runner, request);
    }

    private StoredRunner find(Caller caller, UserAppIDSet ids, String runnerId) {
        String userId = caller.user(ids, KIND);
        if (runnerId.isEmpty()) {
            throw KIND.invalid("runnerId is required");
        }
        return store.find(userId, runnerId).orElseThrow(() -> notFound(runnerId));
    }

    private static ApiException notFound(String runnerId) {
        return KIND.notFound("runner '" + Ids.abbreviated(runnerId) + "' does not exist");
    }

    /** The runner as answered: its message, with when it last polled in {@code metadata.last_seen_at}. */
    private static Runner shown(StoredRunner stored) {
        if (stored.lastSeenAt() == null) {
            return stored.runner();
        }
        Runner runner = stored.runner();
        return runner.toBuilder()
                .setMetadata(runner.getMetadata().toBuilder()
                        .putFields(
                                LAST_SEEN,
                                Value.newBuilder()
                                        .setStringValue(stored.lastSeenAt().toString())
                                        .build()))
                .build();
    }
}
