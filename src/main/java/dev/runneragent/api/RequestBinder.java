package dev.runneragent.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;

/**
 * Fills a request message the way grpc-gateway does: the JSON body fills the message, query parameters fill fields
 * by dotted name (a repeated key fills a list), and path parameters fill the same-named fields, winning over both.
 * Field names may be camelCase or snake_case everywhere. Unknown names are ignored so newer clients keep working.
 */
public final class RequestBinder {

    /** Path parameters that address a nested field rather than a top-level one. */
    private static final Map<String, String> PATH_ALIASES =
            Map.of("userId", "user_app_id.user_id", "appId", "user_app_id.app_id");

    private RequestBinder() {}

    /**
     * Binds {@code body}, {@code query} and {@code path} into {@code builder}.
     *
     * @throws ApiException.MalformedRequestException when the body is not JSON
     * @throws ApiException.InvalidArgumentException (with {@code kind}'s code) when a value does not fit its field
     */
    public static <B extends Message.Builder> B bind(
            B builder, String body, Map<String, List<String>> query, Map<String, String> path, ResourceKind kind) {
        if (body != null && !body.isBlank()) {
            try {
                ProtoJson.merge(body, builder);
            } catch (ProtoJson.MalformedJsonException e) {
                throw new ApiException.MalformedRequestException("request body is not valid JSON: " + e.getMessage());
            } catch (ProtoJson.InvalidJsonValueException e) {
                throw kind.invalid("invalid value in the request body: " + e.getMessage());
            }
        }
        if (!query.isEmpty()) {
            JsonObject parameters = new JsonObject();
            query.forEach((name, values) -> put(parameters, builder.getDescriptorForType(), name, values));
            Message.Builder fromQuery = builder.getDefaultInstanceForType().newBuilderForType();
            try {
                ProtoJson.merge(parameters.toString(), fromQuery);
            } catch (ProtoJson.InvalidJsonValueException e) {
                throw kind.invalid(
                        "invalid value in the query parameters " + parameters.keySet() + ": " + e.getMessage());
            }
            builder.mergeFrom(fromQuery.build());
        }
        path.forEach((name, value) -> setPath(builder, PATH_ALIASES.getOrDefault(name, name), value));
        return builder;
    }

    /** Sets the string field at the dotted {@code name} to {@code value}, replacing what the body or query set. */
    private static void setPath(Message.Builder builder, String name, String value) {
        String[] segments = name.split("\\.");
        Message.Builder target = builder;
        for (int i = 0; i < segments.length; i++) {
            FieldDescriptor field = field(target.getDescriptorForType(), segments[i]);
            if (field == null) {
                throw new IllegalStateException("path parameter " + name + " names no field of "
                        + builder.getDescriptorForType().getName());
            }
            if (i < segments.length - 1) {
                target = target.getFieldBuilder(field);
            } else {
                target.setField(field, value);
            }
        }
    }

    /** Places {@code values} at the dotted {@code name} inside {@code into}, typed for the field it names. */
    private static void put(JsonObject into, Descriptor type, String name, List<String> values) {
        String[] segments = name.split("\\.");
        JsonObject target = into;
        Descriptor current = type;
        for (int i = 0; i < segments.length; i++) {
            FieldDescriptor field = field(current, segments[i]);
            if (field == null) {
                return; // unknown parameter: ignored, like unknown body fields
            }
            String key = field.getJsonName();
            if (i < segments.length - 1) {
                if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || field.isRepeated()) {
                    return;
                }
                JsonElement child = target.get(key);
                if (!(child instanceof JsonObject)) {
                    child = new JsonObject();
                    target.add(key, child);
                }
                target = child.getAsJsonObject();
                current = field.getMessageType();
            } else {
                target.add(key, value(field, values, target.get(key)));
            }
        }
    }

    private static JsonElement value(FieldDescriptor field, List<String> values, JsonElement existing) {
        if (field.isRepeated()) {
            JsonArray array = existing instanceof JsonArray present ? present : new JsonArray();
            values.forEach(v -> array.add(scalar(field, v)));
            return array;
        }
        return scalar(field, values.get(values.size() - 1));
    }

    private static JsonElement scalar(FieldDescriptor field, String value) {
        if (field.getJavaType() == FieldDescriptor.JavaType.BOOLEAN) {
            if (value.isEmpty() || value.equalsIgnoreCase("true") || value.equals("1")) {
                return new JsonPrimitive(true);
            }
            if (value.equalsIgnoreCase("false") || value.equals("0")) {
                return new JsonPrimitive(false);
            }
        }
        if (field.getJavaType() == FieldDescriptor.JavaType.ENUM && value.matches("-?\\d+")) {
            return new JsonPrimitive(Integer.parseInt(value));
        }
        return new JsonPrimitive(value);
    }

    /** The field of {@code type} whose JSON (camelCase) or proto (snake_case) name is {@code name}. */
    public static FieldDescriptor field(Descriptor type, String name) {
        FieldDescriptor byProtoName = type.findFieldByName(name);
        if (byProtoName != null) {
            return byProtoName;
        }
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJsonName().equals(name)) {
                return field;
            }
        }
        return null;
    }
}
