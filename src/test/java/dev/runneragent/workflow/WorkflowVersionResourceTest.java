package dev.runneragent.workflow;

import static dev.runneragent.testing.Api.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** List, get, patch and delete workflow versions, publish and unpublish: on both route forms. */
@QuarkusTest
class WorkflowVersionResourceTest {

    private static final String BARE = "/v2/workflows";
    private static final String APP = "/v2/users/me/apps/main/workflows";

    @ParameterizedTest
    @ValueSource(strings = {BARE, APP})
    void listsVersionsNewestFirstAndGetsEachOne(String route) {
        String id = "versions-" + route.length();
        List<String> versions = workflowWithTwoVersions(route, id);
        asAdmin()
                .get(route + "/" + id + "/versions")
                .then()
                .statusCode(200)
                .body("workflowVersions.id", contains(versions.get(1), versions.get(0)))
                .body("workflowVersions[0].workflowId", equalTo(id))
                .body("workflowVersions[0].nodes.id", contains("classify", "embed"))
                .body("workflowVersions[1].nodes.id", contains("classify"));
        asAdmin()
                .queryParam("perPage", "1")
                .queryParam("page", "2")
                .get(route + "/" + id + "/versions")
                .then()
                .body("workflowVersions.id", contains(versions.get(0)));
        asAdmin()
                .queryParam("perPage", "1001")
                .get(route + "/" + id + "/versions")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("WORKFLOW_INVALID_ARGUMENT"));
        asAdmin()
                .get(route + "/" + id + "/versions/" + versions.get(0))
                .then()
                .statusCode(200)
                .body("workflowVersion.id", equalTo(versions.get(0)))
                .body("workflowVersion.nodes.id", contains("classify"));
        asAdmin()
                .get(route + "/" + id + "/versions/nope")
                .then()
                .statusCode(404)
                .body("status.code", equalTo("WORKFLOW_DOES_NOT_EXIST"))
                .body("status.details", containsString("no version 'nope'"));
        asAdmin()
                .get(route + "/no-such-workflow/versions")
                .then()
                .statusCode(404)
                .body("workflowVersions", hasSize(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {BARE, APP})
    void patchesDescriptionMetadataAndLicenseButNeverNodes(String route) {
        String id = "patch-version-" + route.length();
        String version = workflowWithTwoVersions(route, id).get(0);
        asAdmin()
                .body("""
                {"action":"merge","workflowVersions":[{"id":"%s","description":"first cut","license":"MIT",
                  "metadata":{"reviewed":true,"by":"ana"}}]}""".formatted(version))
                .patch(route + "/" + id + "/versions")
                .then()
                .statusCode(200)
                .body("workflowVersions[0].description", equalTo("first cut"))
                .body("workflowVersions[0].license", equalTo("MIT"))
                .body("workflowVersions[0].nodes.id", contains("classify"));
        asAdmin()
                .body("""
                {"action":"remove","workflow_versions":[{"id":"%s","metadata":{"by":true}}]}""".formatted(version))
                .patch(route + "/" + id + "/versions")
                .then()
                .statusCode(200)
                .body("workflowVersions[0].metadata.by", nullValue())
                .body("workflowVersions[0].metadata.reviewed", equalTo(true));
        asAdmin()
                .body("""
                {"action":"merge","workflowVersions":[{"id":"%s","nodes":[{"id":"x"}]}]}""".formatted(version))
                .patch(route + "/" + id + "/versions")
                .then()
                .statusCode(400)
                .body("status.details", containsString("nodes cannot change"));
        asAdmin()
                .body("{\"action\":\"merge\",\"workflowVersions\":[{\"id\":\"nope\"}]}")
                .patch(route + "/" + id + "/versions")
                .then()
                .statusCode(404);
        asAdmin()
                .body("{\"action\":\"upsert\",\"workflowVersions\":[{\"id\":\"" + version + "\"}]}")
                .patch(route + "/" + id + "/versions")
                .then()
                .statusCode(400)
                .body("status.details", containsString("unknown patch action"));
        asAdmin()
                .get(route + "/" + id + "/versions/" + version)
                .then()
                .body("workflowVersion.description", equalTo("first cut"));
    }

    @ParameterizedTest
    @ValueSource(strings = {BARE, APP})
    void deletesOlderVersionsButNeverTheLatest(String route) {
        String id = "delete-version-" + route.length();
        List<String> versions = workflowWithTwoVersions(route, id);
        asAdmin()
                .body("{\"workflowVersionIds\":[\"" + versions.get(1) + "\"]}")
                .delete(route + "/" + id + "/versions")
                .then()
                .statusCode(400)
                .body("status.details", containsString("is the latest"));
        asAdmin()
                .body("{\"workflowVersionIds\":[\"" + versions.get(0) + "\",\"nope\"]}")
                .delete(route + "/" + id + "/versions")
                .then()
                .statusCode(404);
        asAdmin().get(route + "/" + id + "/versions").then().body("workflowVersions", hasSize(2));
        asAdmin()
                .body("{\"workflowVersionIds\":[\"" + versions.get(0) + "\"]}")
                .delete(route + "/" + id + "/versions")
                .then()
                .statusCode(200);
        asAdmin().get(route + "/" + id + "/versions").then().body("workflowVersions.id", contains(versions.get(1)));
        asAdmin().body("{}").delete(route + "/" + id + "/versions").then().statusCode(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {BARE, APP})
    void publishAndUnpublishSetTheVersionsVisibility(String route) {
        String id = "publish-" + route.length();
        List<String> versions = workflowWithTwoVersions(route, id);
        String publication = "{\"publications\":[{\"versionId\":\"%s\"}]}";
        asAdmin()
                .body(publication.formatted(versions.get(1)))
                .post(route + "/" + id + "/publish")
                .then()
                .statusCode(200)
                .body("status.code", equalTo("SUCCESS"));
        asAdmin()
                .get(route + "/" + id + "/versions/" + versions.get(1))
                .then()
                .body("workflowVersion.visibility.gettable", equalTo("PUBLIC"));
        asAdmin()
                .get(route + "/" + id + "/versions/" + versions.get(0))
                .then()
                .body("workflowVersion.visibility.gettable", equalTo("PRIVATE"));
        asAdmin().get(route + "/" + id).then().body("workflow.version.visibility.gettable", equalTo("PUBLIC"));
        asAdmin()
                .body(publication.formatted(versions.get(1)))
                .post(route + "/" + id + "/unpublish")
                .then()
                .statusCode(200);
        asAdmin()
                .get(route + "/" + id + "/versions/" + versions.get(1))
                .then()
                .body("workflowVersion.visibility.gettable", equalTo("PRIVATE"));
        asAdmin()
                .body(publication.formatted("nope"))
                .post(route + "/" + id + "/publish")
                .then()
                .statusCode(404)
                .body("status.code", equalTo("WORKFLOW_DOES_NOT_EXIST"));
        asAdmin()
                .body("{\"publications\":[]}")
                .post(route + "/" + id + "/unpublish")
                .then()
                .statusCode(400);
        asAdmin()
                .body(publication.formatted(versions.get(0)))
                .post(route + "/ghost/publish")
                .then()
                .statusCode(404);
    }

    /** Creates a workflow and patches its nodes once; answers its version ids, oldest first. */
    private static List<String> workflowWithTwoVersions(String route, String id) {
        String first = asAdmin()
                .body(WorkflowResourceTest.ONE_NODE.formatted(id))
                .post(route)
                .then()
                .statusCode(200)
                .extract()
                .path("workflows[0].version.id");
        String second = asAdmin()
                .body("""
                {"action":"merge","workflows":[{"id":"%s","nodes":[
                  {"id":"embed","model":{"id":"text-embedder"},"nodeInputs":[{"nodeId":"classify"}]}]}]}""".formatted(id))
                .patch(route)
                .then()
                .statusCode(200)
                .extract()
                .path("workflows[0].version.id");
        return List.of(first, second);
    }
}
