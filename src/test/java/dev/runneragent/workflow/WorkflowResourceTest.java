package dev.runneragent.workflow;

import static dev.runneragent.testing.Api.asAdmin;
import static dev.runneragent.testing.Api.withKey;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import dev.runneragent.testing.Users;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** PostWorkflows, GetWorkflow, DeleteWorkflow and DeleteWorkflows on both route forms, with their errors. */
@QuarkusTest
class WorkflowResourceTest {

    static final String APP_ROUTE = "/v2/users/me/apps/%s/workflows";

    /** A workflow given out of order: the embedder reads the classifier's output. */
    static final String TWO_NODES = """
            {"workflows":[{"id":"%s","description":"colours then text","nodes":[
              {"id":"embed","model":{"id":"text-embedder"},"nodeInputs":[{"nodeId":"classify"}]},
              {"id":"classify","model":{"id":"colour-classifier","modelVersion":{"id":"v1"}}}]}]}""";

    static final String ONE_NODE = """
            {"workflows":[{"id":"%s","nodes":[{"id":"classify","model":{"id":"colour-classifier"}}]}]}""";

    @Test
    void createsWorkflowWithNodesInTopologicalOrderAndServedVersions() {
        asAdmin()
                .body(TWO_NODES.formatted("create-order"))
                .post("/v2/workflows")
                .then()
                .statusCode(200)
                .body("status.code", equalTo("SUCCESS"))
                .body("status.description", equalTo("Ok"))
                .body("status.reqId", not(emptyString()))
                .body("workflows[0].id", equalTo("create-order"))
                .body("workflows[0].appId", equalTo("main"))
                .body("workflows[0].userId", equalTo("admin"))
                .body("workflows[0].nodes.id", contains("classify", "embed"))
                .body("workflows[0].nodes[1].model.modelVersion.id", equalTo("v7"))
                .body("workflows[0].version.id", not(emptyString()))
                .body("workflows[0].visibility.gettable", equalTo("PRIVATE"))
                .body("workflows[0].useCases", hasSize(0));
        asAdmin()
                .get("/v2/workflows/create-order")
                .then()
                .statusCode(200)
                .body("workflow.nodes.id", contains("classify", "embed"))
                .body("workflow.description", equalTo("colours then text"));
    }

    @Test
    void appRouteKeepsWorkflowsOfEachAppApart() {
        asAdmin()
                .body(ONE_NODE.formatted("per-app"))
                .post(APP_ROUTE.formatted("app-a"))
                .then()
                .statusCode(200)
                .body("workflows[0].appId", equalTo("app-a"));
        asAdmin()
                .get(APP_ROUTE.formatted("app-a") + "/per-app")
                .then()
                .statusCode(200)
                .body("workflow.appId", equalTo("app-a"));
        asAdmin().get(APP_ROUTE.formatted("app-b") + "/per-app").then().statusCode(404);
        asAdmin().get("/v2/workflows/per-app").then().statusCode(404);
    }

    @Test
    void acceptsSnakeCaseNamesAndNullsAsOfficialClientsSendThem() {
        asAdmin()
                .body("""
                {"workflows":[{"id":"snake","description":null,"nodes":[{"id":"n","suppress_output":true,
                  "model":{"id":"colour-classifier","model_version":{"id":"v1"}}}]}],"unknown_field":1}""")
                .header("Content-Type", "application/json; charset=utf8")
                .post("/v2/workflows")
                .then()
                .statusCode(200)
                .body("workflows[0].nodes[0].suppressOutput", equalTo(true));
    }

    @Test
    void duplicateIdIsConflictAndChangesNothing() {
        asAdmin().body(ONE_NODE.formatted("dup")).post("/v2/workflows").then().statusCode(200);
        String version = asAdmin().get("/v2/workflows/dup").then().extract().path("workflow.version.id");
        asAdmin()
                .body(TWO_NODES.formatted("dup"))
                .post("/v2/workflows")
                .then()
                .statusCode(409)
                .body("status.code", equalTo("WORKFLOW_DUPLICATE"))
                .body("status.details", containsString("dup"));
        asAdmin().get("/v2/workflows/dup").then().body("workflow.version.id", equalTo(version));
    }

    @Test
    void failedRequestWritesNothingEvenForItsValidWorkflows() {
        asAdmin()
                .body(ONE_NODE.formatted("already-there"))
                .post("/v2/workflows")
                .then()
                .statusCode(200);
        // The duplicate is found inside the transaction, after the first workflow and its version were written.
        asAdmin()
                .body("""
                {"workflows":[{"id":"all-or-nothing","nodes":[{"id":"a","model":{"id":"colour-classifier"}}]},
                              {"id":"already-there","nodes":[{"id":"b","model":{"id":"colour-classifier"}}]}]}""")
                .post("/v2/workflows")
                .then()
                .statusCode(409)
                .body("status.code", equalTo("WORKFLOW_DUPLICATE"))
                .body("status.details", containsString("already-there"));
        asAdmin().get("/v2/workflows/all-or-nothing").then().statusCode(404);
        asAdmin()
                .body(ONE_NODE.formatted("all-or-nothing"))
                .post("/v2/workflows")
                .then()
                .statusCode(200);
    }

    @Test
    void refusesAnAppIdTheStoreCannotHold() {
        asAdmin()
                .body(ONE_NODE.formatted("long-app"))
                .post(APP_ROUTE.formatted("a".repeat(129)))
                .then()
                .statusCode(400)
                .body("status.code", equalTo("WORKFLOW_INVALID_ARGUMENT"))
                .body("status.details", containsString("app id"));
    }

    @Test
    void refusesGraphErrorsNamingTheNode() {
        assertRefused("""
                [{"id":"x","model":{"id":"text-embedder"}},{"id":"x","model":{"id":"text-embedder"}}]""", "WORKFLOW_INVALID_GRAPH", "duplicate node id 'x'");
        assertRefused("""
                [{"id":"a","model":{"id":"text-embedder"},"nodeInputs":[{"nodeId":"ghost"}]}]""", "WORKFLOW_INVALID_GRAPH", "node 'a' takes input from unknown node 'ghost'");
        assertRefused("""
                [{"id":"a","model":{"id":"text-embedder"},"nodeInputs":[{"nodeId":"c"}]},
                 {"id":"b","model":{"id":"text-embedder"},"nodeInputs":[{"nodeId":"a"}]},
                 {"id":"c","model":{"id":"text-embedder"},"nodeInputs":[{"nodeId":"b"}]}]""", "WORKFLOW_INVALID_GRAPH", "form a cycle");
        assertRefused("""
                [{"id":"a","model":{"id":"no-such-model"}}]""", "WORKFLOW_INVALID_ARGUMENT", "node 'a': model 'no-such-model' is not served");
        assertRefused("""
                [{"id":"a","model":{"id":"colour-classifier","modelVersion":{"id":"v9"}}}]""", "WORKFLOW_INVALID_ARGUMENT", "has no version 'v9'");
        assertRefused("[]", "WORKFLOW_INVALID_ARGUMENT", "at least one node");
    }

    @Test
    void refusesMissingIdWrongTypeAndBrokenJson() {
        asAdmin()
                .body("{\"workflows\":[{\"nodes\":[]}]}")
                .post("/v2/workflows")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("WORKFLOW_INVALID_ARGUMENT"))
                .body("status.details", containsString("id is required"));
        asAdmin()
                .body("{\"workflows\":[{\"id\":\"t\",\"nodes\":\"not a list\"}]}")
                .post("/v2/workflows")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("WORKFLOW_INVALID_ARGUMENT"))
                .body("workflows", hasSize(0));
        asAdmin()
                .body("{\"workflows\": [")
                .post("/v2/workflows")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("CONN_BAD_REQUEST_FORMAT"))
                .body("status.details", containsString("line 1"));
        asAdmin().body("{\"workflows\":[]}").post("/v2/workflows").then().statusCode(400);
    }

    @Test
    void getAndDeleteOnBothRouteForms() {
        asAdmin()
                .body(ONE_NODE.formatted("bare-delete"))
                .post("/v2/workflows")
                .then()
                .statusCode(200);
        asAdmin()
                .body("{}")
                .delete("/v2/workflows/bare-delete")
                .then()
                .statusCode(200)
                .body("status.code", equalTo("SUCCESS"));
        asAdmin()
                .get("/v2/workflows/bare-delete")
                .then()
                .statusCode(404)
                .body("status.code", equalTo("WORKFLOW_DOES_NOT_EXIST"))
                .body("status.details", containsString("bare-delete"));

        asAdmin()
                .body(ONE_NODE.formatted("app-delete"))
                .post(APP_ROUTE.formatted("main"))
                .then()
                .statusCode(200);
        asAdmin().get(APP_ROUTE.formatted("main") + "/app-delete").then().statusCode(200);
        asAdmin().delete(APP_ROUTE.formatted("main") + "/app-delete").then().statusCode(200);
        asAdmin()
                .delete(APP_ROUTE.formatted("main") + "/app-delete")
                .then()
                .statusCode(404)
                .body("status.code", equalTo("WORKFLOW_DOES_NOT_EXIST"));
    }

    @Test
    void deleteWorkflowsByIdsIsAllOrNothing() {
        asAdmin()
                .body(ONE_NODE.formatted("many-1"))
                .post(APP_ROUTE.formatted("many"))
                .then()
                .statusCode(200);
        asAdmin()
                .body(ONE_NODE.formatted("many-2"))
                .post(APP_ROUTE.formatted("many"))
                .then()
                .statusCode(200);
        asAdmin()
                .body(ONE_NODE.formatted("many-3"))
                .post(APP_ROUTE.formatted("many"))
                .then()
                .statusCode(200);
        asAdmin()
                .body("{\"ids\":[\"many-1\",\"missing\"]}")
                .delete(APP_ROUTE.formatted("many"))
                .then()
                .statusCode(404)
                .body("status.details", containsString("missing"));
        asAdmin().get(APP_ROUTE.formatted("many") + "/many-1").then().statusCode(200);
        asAdmin()
                .body("{\"ids\":[\"many-1\"]}")
                .delete(APP_ROUTE.formatted("many"))
                .then()
                .statusCode(200);
        asAdmin().get(APP_ROUTE.formatted("many") + "/many-1").then().statusCode(404);
        asAdmin()
                .body("{}")
                .delete(APP_ROUTE.formatted("many"))
                .then()
                .statusCode(400)
                .body("status.details", containsString("deleteAll"));
        asAdmin()
                .body("{\"ids\":[\"\"]}")
                .delete(APP_ROUTE.formatted("many"))
                .then()
                .statusCode(400)
                .body("status.details", containsString("empty id"));
        asAdmin()
                .body("{\"deleteAll\":true}")
                .delete(APP_ROUTE.formatted("many"))
                .then()
                .statusCode(200);
        asAdmin().get(APP_ROUTE.formatted("many")).then().statusCode(200).body("workflows", hasSize(0));
    }

    @Test
    void anotherUsersWorkflowIsNotFoundAndIndistinguishableFromMissing() {
        asAdmin()
                .body(ONE_NODE.formatted("private-to-admin"))
                .post("/v2/workflows")
                .then()
                .statusCode(200);
        String bob = Users.tokenFor("bob");
        withKey(bob)
                .get("/v2/workflows/private-to-admin")
                .then()
                .statusCode(404)
                .body("status.code", equalTo("WORKFLOW_DOES_NOT_EXIST"));
        withKey(bob)
                .get("/v2/users/admin/apps/main/workflows/private-to-admin")
                .then()
                .statusCode(404)
                .body("status.code", equalTo("WORKFLOW_DOES_NOT_EXIST"));
        withKey(bob)
                .get("/v2/users/admin/apps/main/workflows/never-existed")
                .then()
                .statusCode(404)
                .body("status.code", equalTo("WORKFLOW_DOES_NOT_EXIST"));
        withKey(bob).get("/v2/users/admin/workflows").then().statusCode(404).body("workflows", hasSize(0));
        withKey(bob)
                .body("{}")
                .delete("/v2/users/admin/apps/main/workflows/private-to-admin")
                .then()
                .statusCode(404);
        asAdmin().get("/v2/workflows/private-to-admin").then().statusCode(200);
    }

    private static void assertRefused(String nodes, String code, String details) {
        asAdmin()
                .body("{\"workflows\":[{\"id\":\"refused\",\"nodes\":" + nodes + "}]}")
                .post("/v2/workflows")
                .then()
                .statusCode(400)
                .body("status.code", equalTo(code))
                .body("status.details", containsString(details))
                .body("workflows", hasSize(0));
        asAdmin().get("/v2/workflows/refused").then().statusCode(404);
    }
}
