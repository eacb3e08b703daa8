package dev.runneragent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.NodeInput;
import com.clarifai.grpc.api.Workflow;
import com.clarifai.grpc.api.WorkflowNode;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.runneragent.api.JsonPatcher.Action;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three patch actions, as clarifai-api.md section 2.4 defines them. */
class JsonPatcherTest {

    private static final Workflow STORED = Workflow.newBuilder()
            .setDescription("stored")
            .setNotes("notes")
            .addUseCases("one")
            .setIsStarred(true)
            .setMetadata(Struct.newBuilder()
                    .putFields(
                            "team",
                            Value.newBuilder()
                                    .setStructValue(Struct.newBuilder()
                                            .putFields("name", text("vision"))
                                            .putFields("size", number(3)))
                                    .build())
                    .putFields(
                            "tags",
                            Value.newBuilder()
                                    .setListValue(com.google.protobuf.ListValue.newBuilder()
                                            .addValues(text("a")))
                                    .build()))
            .addNodes(node("n2", "m2"))
            .build();

    @Test
    void mergeOverwritesScalarsAndDeepMergesObjects() {
        Workflow merged = merge("{\"description\":\"new\",\"metadata\":{\"team\":{\"size\":4}}}");
        assertEquals("new", merged.getDescription());
        assertEquals("notes", merged.getNotes());
        assertEquals(
                "vision",
                merged.getMetadata()
                        .getFieldsOrThrow("team")
                        .getStructValue()
                        .getFieldsOrThrow("name")
                        .getStringValue());
        assertEquals(
                4,
                merged.getMetadata()
                        .getFieldsOrThrow("team")
                        .getStructValue()
                        .getFieldsOrThrow("size")
                        .getNumberValue());
    }

    @Test
    void mergeByIdAppendsNewIdsAfterStoredOnes() {
        Workflow merged = merge(
                "{\"nodes\":[{\"id\":\"n1\",\"model\":{\"id\":\"m1\"}},{\"id\":\"n2\"," + "\"suppressOutput\":true}]}");
        assertEquals(
                List.of("n2", "n1"),
                merged.getNodesList().stream().map(WorkflowNode::getId).toList());
        assertEquals("m2", merged.getNodes(0).getModel().getId());
        assertEquals(true, merged.getNodes(0).getSuppressOutput());
    }

    @Test
    void mergeAppendsListsWithoutIdsAndEmptyValuesReplace() {
        assertEquals(List.of("one", "two"), merge("{\"useCases\":[\"two\"]}").getUseCasesList());
        assertEquals(List.of(), merge("{\"use_cases\":[]}").getUseCasesList());
        assertEquals(Struct.getDefaultInstance(), merge("{\"metadata\":{}}").getMetadata());
        assertEquals(false, merge("{\"isStarred\":false}").getIsStarred());
        assertEquals("", merge("{\"description\":\"\"}").getDescription());
        assertEquals(STORED, merge("{\"description\":null,\"metadata\":null}"));
    }

    @Test
    void removeDeletesByIdAndValueAndTrueKeysOfFreeFormObjects() {
        Workflow removed = JsonPatcher.apply(
                Action.REMOVE,
                STORED,
                json("{\"nodes\":[{\"id\":\"n2\"}],\"useCases\":[\"one\"],\"metadata\":{\"team\":{\"size\":true},"
                        + "\"tags\":false},\"notes\":\"changed\",\"image\":{}}"),
                ResourceKind.WORKFLOW);
        assertEquals(List.of(), removed.getNodesList());
        assertEquals(List.of(), removed.getUseCasesList());
        assertEquals(false, removed.getMetadata().getFieldsOrThrow("tags").getBoolValue());
        assertEquals(
                false,
                removed.getMetadata().getFieldsOrThrow("team").getStructValue().containsFields("size"));
        assertEquals("changed", removed.getNotes());
    }

    @Test
    void overwriteReplacesTheWholeObject() {
        Workflow overwritten =
                JsonPatcher.apply(Action.OVERWRITE, STORED, json("{\"description\":\"only\"}"), ResourceKind.WORKFLOW);
        assertEquals(Workflow.newBuilder().setDescription("only").build(), overwritten);
    }

    @Test
    void aValueOfTheWrongTypeIsTheKindsInvalidArgument() {
        ApiException e = assertThrows(ApiException.class, () -> merge("{\"isStarred\":\"very\"}"));
        assertEquals(StatusCode.WORKFLOW_INVALID_ARGUMENT, e.code());
    }

    @Test
    void parsesOnlyTheAllowedActions() {
        assertEquals(Action.MERGE, Action.parse("merge", ResourceKind.WORKFLOW, Action.values()));
        ApiException e =
                assertThrows(ApiException.class, () -> Action.parse("merge", ResourceKind.GENERIC, Action.OVERWRITE));
        assertEquals("unknown patch action 'merge'; use one of: overwrite", e.details());
        assertEquals(StatusCode.BAD_REQUEST, e.code());
    }

    private static Workflow merge(String patch) {
        return JsonPatcher.apply(Action.MERGE, STORED, json(patch), ResourceKind.WORKFLOW);
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    private static WorkflowNode node(String id, String model) {
        return WorkflowNode.newBuilder()
                .setId(id)
                .setModel(Model.newBuilder().setId(model))
                .addNodeInputs(NodeInput.newBuilder().setNodeId("x"))
                .build();
    }

    private static Value text(String value) {
        return Value.newBuilder().setStringValue(value).build();
    }

    private static Value number(double value) {
        return Value.newBuilder().setNumberValue(value).build();
    }
}
