package dev.runneragent.runner;

import com.clarifai.grpc.api.ComputeInfo;
import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.Runner;
import com.clarifai.grpc.api.Workflow;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.runneragent.api.ProtoJson;
import dev.runneragent.api.ResourceKind;
import dev.runneragent.execution.Requirements;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A runner as {@code PostRunners} registers it: the message in its stored (10.3) form, read together with the JSON
 * the client sent for the fields clarifai-grpc 10.3 lacks ({@code worker}, {@code computeInfo.cpuLimit}), and the
 * profile the queue matches items against. Every refusal names the field.
 */
final class RunnerRegistration {

    private static final ResourceKind KIND = ResourceKind.RUNNER;

    static final int MAX_HOSTED_MODELS = 256;

    private final int maxCapacity;

    RunnerRegistration(int maxCapacity) {
        this.maxCapacity = maxCapacity;
    }

    /** The runner as stored: an id, the owner, timestamps, and the binding in its 10.3 field. */
    Runner normalized(Runner given, JsonObject json, String userId, Timestamp created, String where) {
        Runner.Builder runner =
                given.toBuilder().setUserId(userId).setCreatedAt(created).setModifiedAt(created);
        if (runner.getId().isEmpty()) {
            runner.setId(UUID.randomUUID().toString());
        }
        Ids.optional(runner.getId(), Ids.RUNNER, where + ".id", KIND);
        String bindingField = where;
        JsonObject worker = object(json, "worker", where);
        if (worker != null) {
            JsonObject model = object(worker, "model", where + ".worker");
            JsonObject workflow = object(worker, "workflow", where + ".worker");
            if (model != null && workflow != null) {
                throw KIND.invalid(where + ".worker names both a model and a workflow; a runner serves one");
            }
            if ((model != null || workflow != null) && given.getObjectCase() != Runner.ObjectCase.OBJECT_NOT_SET) {
                throw KIND.invalid(where + " names its " + (model != null ? "model" : "workflow")
                        + " twice (worker and " + given.getObjectCase().name().toLowerCase() + "); give one");
            }
            if (model != null || workflow != null) {
                bindingField = where + ".worker";
            }
            if (model != null) {
                runner.setModel((Model) parse(model, Model.newBuilder(), where + ".worker.model"));
            } else if (workflow != null) {
                runner.setWorkflow((Workflow) parse(workflow, Workflow.newBuilder(), where + ".worker.workflow"));
            }
        }
        if (runner.hasModel()) {
            reference(runner.getModel().getId(), bindingField + ".model.id");
            Ids.optional(
                    runner.getModel().getModelVersion().getId(),
                    Ids.VERSION,
                    bindingField + ".model.modelVersion.id",
                    KIND);
        }
        if (runner.hasWorkflow()) {
            reference(runner.getWorkflow().getId(), bindingField + ".workflow.id");
        }
        Ids.optional(runner.getNodepool().getId(), Ids.RUNNER, where + ".nodepool.id", KIND);
        return runner.build();
    }

    RunnerProfile profile(Runner runner, JsonObject json, String where) {
        Resources resources = null;
        JsonObject computeInfo = object(json, "computeInfo", where);
        if (computeInfo == null) {
            computeInfo = object(json, "compute_info", where);
        }
        if (runner.hasComputeInfo() || computeInfo != null) {
            ComputeInfo info = runner.getComputeInfo();
            if (info.getAcceleratorTypeCount() > 0 && info.getNumAccelerators() == 0) {
                throw KIND.invalid(where + ".computeInfo names acceleratorType " + info.getAcceleratorTypeList()
                        + " but numAccelerators is 0");
            }
            String cpuLimit =
                    computeInfo == null ? null : text(computeInfo, where + ".computeInfo", "cpuLimit", "cpu_limit");
            try {
                resources = Resources.of(Requirements.of(info, cpuLimit));
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw KIND.invalid(where + "." + e.getMessage());
            }
        }
        Struct metadata = runner.getMetadata();
        return new RunnerProfile(
                runner.getUserId(),
                runner.getId(),
                runner.getModel().getId(),
                runner.getModel().getModelVersion().getId(),
                runner.getWorkflow().getId(),
                runner.getNodepool().getId(),
                hostedModels(metadata, where),
                capacity(metadata, where),
                resources);
    }

    private static List<String> hostedModels(Struct metadata, String where) {
        Value models = metadata.getFieldsMap().get("models");
        if (models == null) {
            return List.of();
        }
        if (models.getKindCase() != Value.KindCase.LIST_VALUE) {
            throw KIND.invalid(where + ".metadata.models must be a list of model ids");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (Value model : models.getListValue().getValuesList()) {
            if (model.getKindCase() != Value.KindCase.STRING_VALUE) {
                throw KIND.invalid(where + ".metadata.models must be a list of model ids (strings)");
            }
            ids.add(reference(model.getStringValue(), where + ".metadata.models[]"));
        }
        if (ids.size() > MAX_HOSTED_MODELS) {
            throw KIND.invalid(
                    where + ".metadata.models lists " + ids.size() + " models; at most " + MAX_HOSTED_MODELS);
        }
        return List.copyOf(ids);
    }

    private int capacity(Struct metadata, String where) {
        Value capacity = metadata.getFieldsMap().get("capacity");
        if (capacity == null) {
            return 1;
        }
        double value = capacity.getKindCase() == Value.KindCase.NUMBER_VALUE ? capacity.getNumberValue() : -1;
        if (value != Math.rint(value) || value < 1 || value > maxCapacity) {
            throw KIND.invalid(where + ".metadata.capacity must be a whole number from 1 to " + maxCapacity
                    + " (items per poll), got " + ProtoJson.print(capacity));
        }
        return (int) value;
    }

    private static String reference(String id, String where) {
        return Ids.required(id, Ids.MODEL, where, KIND);
    }

    private static JsonObject object(JsonObject json, String name, String where) {
        JsonElement value = json == null ? null : json.get(name);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!value.isJsonObject()) {
            throw KIND.invalid(where + "." + name + " must be an object");
        }
        return value.getAsJsonObject();
    }

    private static String text(JsonObject json, String where, String... names) {
        for (String name : names) {
            JsonElement value = json.get(name);
            if (value != null && !value.isJsonNull()) {
                if (!value.isJsonPrimitive()) {
                    throw KIND.invalid(where + "." + name + " must be a quantity such as \"2\" or \"500m\"");
                }
                return value.getAsString();
            }
        }
        return null;
    }

    private static Message parse(JsonObject json, Message.Builder builder, String where) {
        try {
            ProtoJson.merge(json.toString(), builder);
        } catch (ProtoJson.InvalidJsonValueException e) {
            throw KIND.invalid(where + ": " + e.getMessage());
        }
        return builder.build();
    }
}
