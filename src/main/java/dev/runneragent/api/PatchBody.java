package dev.runneragent.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * The objects of a patch request's list (for example {@code workflows}) as the client wrote them, for
 * {@link JsonPatcher}. Without a JSON body (a future gRPC front) they are rebuilt from the bound message, which
 * cannot tell {@code []} or {@code ""} from an absent field.
 */
public final class PatchBody {

    private PatchBody() {}

    /** The JSON objects of {@code listField} in {@code body}, one per element of the bound {@code request}. */
    public static List<JsonObject> items(String body, Message request, String listField) {
        FieldDescriptor field = request.getDescriptorForType().findFieldByName(listField);
        int count = request.getRepeatedFieldCount(field);
        JsonArray sent = sentArray(body, field);
        List<JsonObject> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            JsonElement item = sent != null && i < sent.size() ? sent.get(i) : null;
            items.add(
                    item != null && item.isJsonObject()
                            ? item.getAsJsonObject()
                            : JsonParser.parseString(ProtoJson.print((Message) request.getRepeatedField(field, i)))
                                    .getAsJsonObject());
        }
        return items;
    }

    private static JsonArray sentArray(String body, FieldDescriptor field) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonElement tree = ProtoJson.tree(body);
        if (!tree.isJsonObject()) {
            return null;
        }
        for (String name : List.of(field.getJsonName(), field.getName())) {
            JsonElement list = tree.getAsJsonObject().get(name);
            if (list != null && list.isJsonArray()) {
                return list.getAsJsonArray();
            }
        }
        return null;
    }
}
