package dev.runneragent.runner;

import dev.runneragent.runner.ItemStore.Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Items that became pending together: whose, of which model and version, whom they may go to, what they need, and
 * how many. A wake-up rouses at most {@code count} waiting polls that {@link #suits} them, so one item does not set
 * every waiting runner querying the store. {@code target} and {@code need} are null for items put back in the queue
 * (an expired lease, a hand-back), which any runner that may serve the model is woken for.
 */
record Arrival(String userId, String modelId, String versionId, Target target, Resources need, int count) {

    /** Items of {@code modelId} that may suit any runner serving it (used when more may be waiting). */
    static Arrival anyOf(String userId, String modelId, int count) {
        return new Arrival(userId, modelId, "", null, null, count);
    }

    /** One new item. */
    static Arrival of(ItemStore.NewItem item) {
        return new Arrival(
                item.userId(),
                item.request().getModelId(),
                item.request().getVersionId(),
                item.target(),
                item.need(),
                1);
    }

    /** {@code arrivals} with those of one kind merged into one, counting them all. */
    static List<Arrival> merged(List<Arrival> arrivals) {
        Map<Arrival, Integer> counts = new LinkedHashMap<>();
        arrivals.forEach(arrival -> counts.merge(arrival.withCount(0), arrival.count(), Integer::sum));
        List<Arrival> merged = new ArrayList<>();
        counts.forEach((kind, count) -> merged.add(kind.withCount(count)));
        return merged;
    }

    /** One item back in the queue (an expired lease, a hand-back), as it was queued. */
    static Arrival of(ItemStore.Row row) {
        return new Arrival(row.userId(), row.modelId(), row.versionId(), row.target(), row.need(), 1);
    }

    Arrival withCount(int count) {
        return new Arrival(userId, modelId, versionId, target, need, count);
    }

    /**
     * Whether a poll of {@code runner} may lease these items: the same rules as the queue's SQL, read from the
     * runner's profile. A poll woken wrongly finds nothing and waits on; one wrongly left asleep would wait until
     * its next poll, so every doubt wakes it.
     */
    boolean suits(RunnerProfile runner) {
        if (!runner.mayServe(modelId)) {
            return false;
        }
        if (!runner.modelVersionId().isEmpty() && !versionId.isEmpty() && !versionId.equals(runner.modelVersionId())) {
            return false;
        }
        if (target != null) {
            if (!target.runnerId().isEmpty() && !target.runnerId().equals(runner.id())) {
                return false;
            }
            if (!target.nodepoolId().isEmpty() && !target.nodepoolId().equals(runner.nodepoolId())) {
                return false;
            }
            if (runner.modelId().isEmpty()
                    && !runner.workflowId().isEmpty()
                    && !runner.workflowId().equals(target.workflowId())) {
                return false;
            }
        }
        return need == null || runner.resources() == null || runner.resources().covers(need);
    }

    /** As a notification payload: tab-separated fields, which ids never contain. */
    String encode() {
        List<String> fields = new ArrayList<>(List.of(userId, modelId, versionId, Integer.toString(count)));
        if (target != null && need != null) {
            fields.addAll(List.of(target.runnerId(), target.nodepoolId(), target.workflowId()));
            fields.addAll(List.of(
                    Long.toString(need.cpuMillis()),
                    Long.toString(need.cpuMemory()),
                    Integer.toString(need.accelerators()),
                    Long.toString(need.acceleratorMemory()),
                    String.join(",", need.types())));
        }
        return String.join("\t", fields);
    }

    /** The arrival {@link #encode} wrote; null for a payload it did not write. */
    static Arrival decode(String payload) {
        String[] fields = payload.split("\t", -1);
        if (fields.length < 4) {
            return null;
        }
        try {
            int count = Integer.parseInt(fields[3]);
            if (fields.length < 12) {
                return new Arrival(fields[0], fields[1], fields[2], null, null, count);
            }
            Target target = new Target(fields[4], fields[5], fields[6]);
            Resources need = new Resources(
                    Long.parseLong(fields[7]),
                    Long.parseLong(fields[8]),
                    Integer.parseInt(fields[9]),
                    Long.parseLong(fields[10]),
                    fields[11].isEmpty() ? List.of() : Arrays.asList(fields[11].split(",")));
            return new Arrival(fields[0], fields[1], fields[2], target, need, count);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
