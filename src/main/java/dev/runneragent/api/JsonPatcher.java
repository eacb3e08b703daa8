package dev.runneragent.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import java.util.Locale;
import java.util.Map;

/**
 * Clarifai's patch actions, applied to a stored message from the JSON the client sent (only the JSON tells
 * {@code []} or {@code ""} from an absent field):
 *
 * <ul>
 *   <li>{@code merge}: scalars overwrite, objects deep-merge, lists of objects with an {@code id} merge by id and
 *       append new ids, other lists append; {@code {}} and {@code []} replace, {@code null} does nothing.
 *   <li>{@code remove}: list entries matching the given ids (or values) are deleted; in free-form objects
 *       ({@code metadata}) a key sent as {@code true} is deleted and any other value overwrites; a singular object
 *       field sent with content is cleared; scalars overwrite; {@code {}} and {@code null} do nothing.
 *   <li>{@code overwrite}: the patch replaces the whole object.
 * </ul>
 */
public final class JsonPatcher {

    /** The three actions. */
    public enum Action {
        MERGE,
        REMOVE,
        OVERWRITE;

        /** Parses {@code action}, allowing only {@code allowed}; anything else is an invalid argument. */
        public static Action parse(String action, ResourceKind kind, Action... allowed) {
            for (Action candidate : allowed) {
                if (candidate.name().equalsIgnoreCase(action)) {
                    return candidate;
                }
            }
            StringBuilder names = new StringBuilder();
            for (Action candidate : allowed) {
                names.append(names.length() == 0 ? "" : ", ")
                        .append(candidate.name().toLowerCase(Locale.ROOT));
            }
            throw kind.invalid("unknown patch action '" + action + "'; use one of: " + names);
        }
    }

    private JsonPatcher() {}

    /**
     * Applies {@code patch} onto {@code stored} and returns the result as a new message of the same type.
     *
     * @throws ApiException.InvalidArgumentException when the patch has a value that does not fit its field
     */
    public static <M extends Message> M apply(Action action, M stored, JsonObject patch, ResourceKind kind) {
        JsonObject result;
        if (action == Action.OVERWRITE) {
            result = patch.deepCopy();
        } else {
            result = JsonParser.parseString(ProtoJson.print(stored)).getAsJsonObject();
            if (action == Action.MERGE) {
                merge(result, patch, stored.getDescriptorForType());
            } else {
                remove(result, patch, stored.getDescriptorForType());
            }
        }
        Message.Builder builder = stored.newBuilderForType();
        try {
            ProtoJson.merge(result.toString(), builder);
        } catch (ProtoJson.InvalidJsonValueException e) {
            throw kind.invalid("invalid value in the patch: " + e.getMessage());
        }
        @SuppressWarnings("unchecked")
        M patched = (M) builder.build();
        return patched;
    }

    private static void merge(JsonObject target, JsonObject patch, Descriptor type) {
        for (Map.Entry<String, JsonElement> entry : patch.entrySet()) {
            FieldDescriptor field = RequestBinder.field(type, entry.getKey());
            JsonElement value = entry.getValue();
            if (field == null || value.isJsonNull()) {
                continue;
            }
            String name = field.getJsonName();
            JsonElement current = target.get(name);
            if (field.isRepeated() && !field.isMapField()) {
                target.add(name, mergeList(current, value, field));
            } else if (value.isJsonObject()
                    && current != null
                    && current.isJsonObject()
                    && value.getAsJsonObject().size() > 0) {
                if (isFreeForm(field)) {
                    mergeFreeForm(current.getAsJsonObject(), value.getAsJsonObject());
                } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                    merge(current.getAsJsonObject(), value.getAsJsonObject(), field.getMessageType());
                } else {
                    target.add(name, value.deepCopy());
                }
            } else {
                target.add(name, value.deepCopy());
            }
        }
    }

    private static JsonElement mergeList(JsonElement current, JsonElement patch, FieldDescriptor field) {
        if (!patch.isJsonArray() || patch.getAsJsonArray().isEmpty() || current == null || !current.isJsonArray()) {
            return patch.deepCopy();
        }
        JsonArray merged = current.getAsJsonArray().deepCopy();
        boolean byId = hasId(field);
        for (JsonElement item : patch.getAsJsonArray()) {
            JsonObject existing = byId ? findById(merged, item) : null;
            if (existing != null && item.isJsonObject()) {
                merge(existing, item.getAsJsonObject(), field.getMessageType());
            } else {
                merged.add(item.deepCopy());
            }
        }
        return merged;
    }

    private static void mergeFreeForm(JsonObject target, JsonObject patch) {
        for (Map.Entry<String, JsonElement> entry : patch.entrySet()) {
            JsonElement value = entry.getValue();
            JsonElement current = target.get(entry.getKey());
            if (value.isJsonNull()) {
                continue;
            }
            if (value.isJsonObject()
                    && current != null
                    && current.isJsonObject()
                    && value.getAsJsonObject().size() > 0) {
                mergeFreeForm(current.getAsJsonObject(), value.getAsJsonObject());
            } else if (value.isJsonArray()
                    && current != null
                    && current.isJsonArray()
                    && !value.getAsJsonArray().isEmpty()) {
                current.getAsJsonArray().addAll(value.getAsJsonArray().deepCopy());
            } else {
                target.add(entry.getKey(), value.deepCopy());
            }
        }
    }

    private static void remove(JsonObject target, JsonObject patch, Descriptor type) {
        for (Map.Entry<String, JsonElement> entry : patch.entrySet()) {
            FieldDescriptor field = RequestBinder.field(type, entry.getKey());
            JsonElement value = entry.getValue();
            if (field == null || value.isJsonNull() || isEmptyObject(value)) {
                continue;
            }
            String name = field.getJsonName();
            JsonElement current = target.get(name);
            if (field.isRepeated() && !field.isMapField()) {
                if (current != null && current.isJsonArray() && value.isJsonArray()) {
                    target.add(name, without(current.getAsJsonArray(), value.getAsJsonArray(), hasId(field)));
                }
            } else if (isFreeForm(field)) {
                if (current != null && current.isJsonObject() && value.isJsonObject()) {
                    removeFreeForm(current.getAsJsonObject(), value.getAsJsonObject());
                }
            } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                target.remove(name);
            } else {
                target.add(name, value.deepCopy());
            }
        }
    }

    private static void removeFreeForm(JsonObject target, JsonObject patch) {
        for (Map.Entry<String, JsonElement> entry : patch.entrySet()) {
            JsonElement value = entry.getValue();
            JsonElement current = target.get(entry.getKey());
            if (value.isJsonNull() || isEmptyObject(value)) {
                continue;
            }
            if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean() && value.getAsBoolean()) {
                target.remove(entry.getKey());
            } else if (value.isJsonObject() && current != null && current.isJsonObject()) {
                removeFreeForm(current.getAsJsonObject(), value.getAsJsonObject());
            } else {
                target.add(entry.getKey(), value.deepCopy());
            }
        }
    }

    private static JsonArray without(JsonArray current, JsonArray removals, boolean byId) {
        JsonArray kept = new JsonArray();
        for (JsonElement item : current) {
            boolean removed = false;
            for (JsonElement removal : removals) {
                removed |= byId ? sameId(item, removal) : item.equals(removal);
            }
            if (!removed) {
                kept.add(item);
            }
        }
        return kept;
    }

    private static JsonObject findById(JsonArray items, JsonElement wanted) {
        for (JsonElement item : items) {
            if (sameId(item, wanted)) {
                return item.getAsJsonObject();
            }
        }
        return null;
    }

    private static boolean sameId(JsonElement a, JsonElement b) {
        return a.isJsonObject()
                && b.isJsonObject()
                && a.getAsJsonObject().has("id")
                && b.getAsJsonObject().has("id")
                && a.getAsJsonObject().get("id").equals(b.getAsJsonObject().get("id"));
    }

    private static boolean hasId(FieldDescriptor field) {
        return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                && field.getMessageType().findFieldByName("id") != null;
    }

    /** {@code google.protobuf.Struct} fields ({@code metadata}, {@code params}) hold free-form JSON. */
    private static boolean isFreeForm(FieldDescriptor field) {
        return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                && field.getMessageType()
                        .getFullName()
                        .equals(Struct.getDescriptor().getFullName());
    }

    private static boolean isEmptyObject(JsonElement value) {
        return value.isJsonObject() && value.getAsJsonObject().size() == 0;
    }
}
