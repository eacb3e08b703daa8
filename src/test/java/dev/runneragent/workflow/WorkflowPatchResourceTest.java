package dev.runneragent.workflow;

import static dev.runneragent.testing.Api.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** PatchWorkflows (merge, overwrite, remove) and PatchWorkflowIds, with their errors. */
@QuarkusTest
class WorkflowPatchResourceTest {

    private static final String APP = "/v2/users/me/apps/patch-app/workflows";

    private static final String RICH = """
            {"workflows":[{"id":"%s","description":"before","notes":"kept","useCases":["one"],
              "metadata":{"team":{"name":"vision","size":3},"tags":["a"]},
              "nodes":[{"id":"classify","model":{"id":"colour-classifier"}}]}]}""";

    @Test
    void mergeOverwritesScalarsDeepMergesObjectsAndAppendsLists() {
        create("merge");
        String version = versionOf("merge");
        patch("""
                {"action":"merge","workflows":[{"id":"merge","description":"after","useCases":["two"],
                  "metadata":{"team":{"size":4},"tags":["b"]},"notes":null}]}""")
                .then()
                .statusCode(200)
                .body("workflows[0].description", equalTo("after"))
                .body("workflows[0].notes", equalTo("kept"))
                .body("workflows[0].useCases", contains("one", "two"))
                .body("workflows[0].metadata.team.name", equalTo("vision"))
                .body("workflows[0].metadata.team.size", equalTo(4.0f))
                .body("workflows[0].metadata.tags", contains("a", "b"))
                .body("workflows[0].version.id", equalTo(version));
    }

    @Test
    void mergeOfEmptyListOrObjectReplaces() {
        create("merge-empty");
        patch("""
                {"action":"merge","workflows":[{"id":"merge-empty","useCases":[],"metadata":{}}]}""")
                .then()
                .statusCode(200)
                .body("workflows[0].useCases", hasSize(0))
                .body("workflows[0].metadata.size()", equalTo(0));
    }

    @Test
    void mergingNodesByIdMakesANewVersionAndKeepsTheOldOne() {
        create("merge-nodes");
        String first = versionOf("merge-nodes");
        patch("""
                {"action":"merge","workflows":[{"id":"merge-nodes","nodes":[
                  {"id":"classify","suppressOutput":true},
                  {"id":"embed","model":{"id":"text-embedder"},"nodeInputs":[{"nodeId":"classify"}]}]}]}""")
                .then()
                .statusCode(200)
                .body("workflows[0].nodes.id", contains("classify", "embed"))
                .body("workflows[0].nodes[0].suppressOutput", equalTo(true))
                .body("workflows[0].nodes[0].model.id", equalTo("colour-classifier"))
                .body("workflows[0].version.id", not(equalTo(first)));
        asAdmin()
                .get(APP + "/merge-nodes/versions/" + first)
                .then()
                .statusCode(200)
                .body("workflowVersion.nodes.id", contains("classify"));
        asAdmin().get(APP + "/merge-nodes/versions").then().body("workflowVersions", hasSize(2));
    }

    @Test
    void mergingANewModelIntoANodeTakesThatModelsServedVersion() {
        create("swap-model");
        patch("""
                {"action":"merge","workflows":[{"id":"swap-model","nodes":[
                  {"id":"classify","model":{"id":"text-embedder"}}]}]}""")
                .then()
                .statusCode(200)
                .body("workflows[0].nodes[0].model.id", equalTo("text-embedder"))
                .body("workflows[0].nodes[0].model.modelVersion.id", equalTo("v7"));
    }

    @Test
    void resendingANodeInAMergeDoesNotDoubleItsInputs() {
        create("inputs-once");
        String edge = """
                {"action":"merge","workflows":[{"id":"inputs-once","nodes":[
                  {"id":"embed","model":{"id":"text-embedder"},"nodeInputs":[{"nodeId":"classify"}]}]}]}""";
        patch(edge).then().statusCode(200);
        String version = versionOf("inputs-once");
        patch(edge)
                .then()
                .statusCode(200)
                .body("workflows[0].nodes[1].nodeInputs.nodeId", contains("classify"))
                .body("workflows[0].version.id", equalTo(version));
    }

    @Test
    void overwriteWithoutVisibilityKeepsTheWorkflowPrivate() {
        create("overwrite-visibility");
        patch("""
                {"action":"overwrite","workflows":[{"id":"overwrite-visibility",
                  "nodes":[{"id":"classify","model":{"id":"colour-classifier"}}]}]}""").then().statusCode(200).body("workflows[0].visibility.gettable", equalTo("PRIVATE"));
    }

    @Test
    void overwriteReplacesTheWholeWorkflow() {
        create("overwrite");
        patch("""
                {"action":"overwrite","workflows":[{"id":"overwrite","description":"new",
                  "nodes":[{"id":"embed","model":{"id":"text-embedder"}}]}]}""")
                .then()
                .statusCode(200)
                .body("workflows[0].description", equalTo("new"))
                .body("workflows[0].notes", nullValue())
                .body("workflows[0].useCases", hasSize(0))
                .body("workflows[0].metadata", nullValue())
                .body("workflows[0].nodes.id", contains("embed"));
        patch("{\"action\":\"overwrite\",\"workflows\":[{\"id\":\"overwrite\"}]}")
                .then()
                .statusCode(400)
                .body("status.details", containsString("at least one node"));
    }

    @Test
    void removeDeletesListEntriesByIdAndMetadataKeysSentAsTrue() {
        create("remove");
        patch("""
                {"action":"merge","workflows":[{"id":"remove","nodes":[
                  {"id":"embed","model":{"id":"text-embedder"}}]}]}""").then().statusCode(200);
        patch("""
                {"action":"remove","workflows":[{"id":"remove","nodes":[{"id":"embed"}],
                  "metadata":{"team":{"size":true},"tags":true},"useCases":["one"],"description":"overwritten"}]}""")
                .then()
                .statusCode(200)
                .body("workflows[0].nodes.id", contains("classify"))
                .body("workflows[0].metadata.team.name", equalTo("vision"))
                .body("workflows[0].metadata.team.size", nullValue())
                .body("workflows[0].metadata.tags", nullValue())
                .body("workflows[0].useCases", hasSize(0))
                .body("workflows[0].description", equalTo("overwritten"));
    }

    @Test
    void removingANodeOthersReadFromIsAGraphError() {
        create("remove-parent");
        patch("""
                {"action":"merge","workflows":[{"id":"remove-parent","nodes":[
                  {"id":"embed","model":{"id":"text-embedder"},"nodeInputs":[{"nodeId":"classify"}]}]}]}""").then().statusCode(200);
        patch("""
                {"action":"remove","workflows":[{"id":"remove-parent","nodes":[{"id":"classify"}]}]}""")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("WORKFLOW_INVALID_GRAPH"))
                .body("status.details", containsString("node 'embed' takes input from unknown node 'classify'"));
        asAdmin().get(APP + "/remove-parent").then().body("workflow.nodes.id", contains("classify", "embed"));
    }

    @Test
    void removeClearsTheImageOnlyWhenNothingElseIsPatched() {
        create("image");
        patch("{\"action\":\"merge\",\"workflows\":[{\"id\":\"image\",\"image\":{\"url\":\"http://x/i.png\"}}]}")
                .then()
                .statusCode(200)
                .body("workflows[0].image.url", equalTo("http://x/i.png"));
        patch("""
                {"action":"remove","workflows":[{"id":"image","image":{"url":"http://x/i.png"},"notes":"x"}]}""").then().statusCode(400).body("status.details", containsString("only in a request"));
        patch("{\"action\":\"remove\",\"workflows\":[{\"id\":\"image\",\"image\":{\"url\":\"http://x/i.png\"}}]}")
                .then()
                .statusCode(200)
                .body("workflows[0].image", nullValue());
    }

    @Test
    void refusesUnknownActionMissingIdAndUnknownWorkflow() {
        create("errors");
        patch("{\"action\":\"replace\",\"workflows\":[{\"id\":\"errors\"}]}")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("WORKFLOW_INVALID_ARGUMENT"))
                .body("status.details", containsString("unknown patch action 'replace'"));
        patch("{\"action\":\"merge\",\"workflows\":[{\"description\":\"x\"}]}")
                .then()
                .statusCode(400)
                .body("status.details", containsString("workflows[0].id is required"));
        patch("{\"action\":\"merge\",\"workflows\":[{\"id\":\"errors\",\"description\":\"changed\"},"
                        + "{\"id\":\"ghost\"}]}")
                .then()
                .statusCode(404)
                .body("status.code", equalTo("WORKFLOW_DOES_NOT_EXIST"));
        asAdmin().get(APP + "/errors").then().body("workflow.description", equalTo("before"));
    }

    @Test
    void patchWorkflowIdsRenamesAndRefusesTakenIds() {
        create("old-name");
        create("taken-name");
        asAdmin()
                .body("{\"action\":\"overwrite\",\"ids\":[{\"id\":\"old-name\",\"newId\":\"taken-name\"}]}")
                .patch(APP + "/ids")
                .then()
                .statusCode(409)
                .body("status.code", equalTo("WORKFLOW_DUPLICATE"));
        asAdmin()
                .body("{\"action\":\"merge\",\"ids\":[{\"id\":\"old-name\",\"newId\":\"new-name\"}]}")
                .patch(APP + "/ids")
                .then()
                .statusCode(400)
                .body("status.details", containsString("'merge'"));
        asAdmin()
                .body("{\"action\":\"overwrite\",\"ids\":[{\"id\":\"ghost\",\"newId\":\"new-ghost\"}]}")
                .patch(APP + "/ids")
                .then()
                .statusCode(404);
        String version = versionOf("old-name");
        asAdmin()
                .body("{\"action\":\"overwrite\",\"ids\":[{\"id\":\"old-name\",\"new_id\":\"new-name\"}]}")
                .patch(APP + "/ids")
                .then()
                .statusCode(200)
                .body("workflows[0].id", equalTo("new-name"));
        asAdmin().get(APP + "/old-name").then().statusCode(404);
        asAdmin().get(APP + "/new-name").then().statusCode(200).body("workflow.version.id", equalTo(version));
        asAdmin()
                .get(APP + "/new-name/versions/" + version)
                .then()
                .statusCode(200)
                .body("workflowVersion.workflowId", equalTo("new-name"));
        asAdmin().queryParam("search", "new-name").get(APP).then().body("workflows.id", contains("new-name"));
    }

    private static void create(String id) {
        asAdmin().body(RICH.formatted(id)).post(APP).then().statusCode(200);
    }

    private static String versionOf(String id) {
        return asAdmin().get(APP + "/" + id).then().extract().path("workflow.version.id");
    }

    private static io.restassured.response.Response patch(String body) {
        return asAdmin().body(body).patch(APP);
    }
}
