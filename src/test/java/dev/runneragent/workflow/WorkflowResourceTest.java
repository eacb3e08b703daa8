package dev.runneragent.workflow;

import static dev.runneragent.testing.Api.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class WorkflowResourceTest {

    private static final String TWO_NODES = """
            {"workflows":[{"id":"%s","description":"colours then text","nodes":[
              {"id":"embed","model":{"id":"text-embedder"},"nodeInputs":[{"nodeId":"classify"}]},
              {"id":"classify","model":{"id":"colour-classifier","modelVersion":{"id":"v1"}}}]}]}""";

    @Test
    void createsWorkflowWithNodesInTopologicalOrder() {
        asAdmin()
                .body(TWO_NODES.formatted("wf-create"))
                .post("/v2/workflows")
                .then()
                .statusCode(200)
                .body("status.code", equalTo("SUCCESS"))
                .body("status.reqId", not(emptyString()))
                .body("workflows[0].id", equalTo("wf-create"))
                .body("workflows[0].appId", equalTo("main"))
                .body("workflows[0].userId", equalTo("admin"))
                .body("workflows[0].nodes.id", contains("classify", "embed"))
                .body("workflows[0].nodes[1].model.modelVersion.id", equalTo("v7"))
                .body("workflows[0].version.id", not(emptyString()));
        asAdmin()
                .get("/v2/workflows/wf-create")
                .then()
                .statusCode(200)
                .body("workflow.nodes.id", contains("classify", "embed"));
    }

    @Test
    void refusesCycle() {
        asAdmin()
                .body("""
                {"workflows":[{"id":"wf-cycle","nodes":[
                  {"id":"a","model":{"id":"text-embedder"},"nodeInputs":[{"nodeId":"b"}]},
                  {"id":"b","model":{"id":"text-embedder"},"nodeInputs":[{"nodeId":"a"}]}]}]}""")
                .post("/v2/workflows")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("WORKFLOW_INVALID_GRAPH"))
                .body("status.details", containsString("'a'"))
                .body("workflows", hasSize(0));
        asAdmin()
                .get("/v2/workflows/wf-cycle")
                .then()
                .statusCode(404)
                .body("status.code", equalTo("WORKFLOW_DOES_NOT_EXIST"));
    }

    @Test
    void brokenJsonIsBadRequestFormat() {
        asAdmin()
                .body("{\"workflows\": [")
                .post("/v2/workflows")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("CONN_BAD_REQUEST_FORMAT"))
                .body("status.details", containsString("line 1"));
    }
}
