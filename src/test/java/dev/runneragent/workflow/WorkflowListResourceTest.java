package dev.runneragent.workflow;

import static dev.runneragent.testing.Api.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ListWorkflows: every route form, pagination, each sort flag, search and each filter. */
@QuarkusTest
class WorkflowListResourceTest {

    private static final String APP = "/v2/users/me/apps/list-app/workflows";

    /**
     * Created in this order: b-first, a-second (starred, published), c-third (notes mention "zebra"), and a bookmark
     * that lists leave out unless asked for bookmarks.
     */
    private static boolean created;

    @BeforeEach
    void createWorkflowsOnce() {
        if (created) {
            return;
        }
        created = true;
        create("b-first", "{\"description\":\"plain\"}");
        create("a-second", "{\"isStarred\":true,\"description\":\"starred one\"}");
        create("c-third", "{\"notes\":\"about a Zebra\"}");
        create("bookmarked", "{\"bookmarkOrigin\":{\"id\":\"orig\"}}");
        String version = asAdmin().get(APP + "/a-second").then().extract().path("workflow.version.id");
        asAdmin()
                .body("{\"publications\":[{\"versionId\":\"" + version + "\"}]}")
                .post(APP + "/a-second/publish")
                .then()
                .statusCode(200);
        // Touch b-first last, so it is the most recently modified.
        asAdmin()
                .body("{\"action\":\"merge\",\"workflows\":[{\"id\":\"b-first\",\"description\":\"touched\"}]}")
                .patch(APP)
                .then()
                .statusCode(200);
    }

    @Test
    void defaultOrderIsMostRecentlyModifiedFirst() {
        asAdmin().get(APP).then().statusCode(200).body("workflows.id", contains("b-first", "c-third", "a-second"));
        asAdmin()
                .queryParam("sort_ascending", "true")
                .get(APP)
                .then()
                .body("workflows.id", contains("a-second", "c-third", "b-first"));
    }

    @Test
    void sortsByIdCreatedAtAndStarCount() {
        asAdmin()
                .queryParam("sortById", "true")
                .queryParam("sortAscending", "true")
                .get(APP)
                .then()
                .body("workflows.id", contains("a-second", "b-first", "c-third"));
        asAdmin()
                .queryParam("sortById", "true")
                .get(APP)
                .then()
                .body("workflows.id", contains("c-third", "b-first", "a-second"));
        asAdmin()
                .queryParam("sort_by_created_at", "true")
                .queryParam("sort_ascending", "true")
                .get(APP)
                .then()
                .body("workflows.id", contains("b-first", "a-second", "c-third"));
        asAdmin()
                .queryParam("sortByStarCount", "true")
                .queryParam("additionalFields", "stars")
                .get(APP)
                .then()
                .body("workflows[0].id", equalTo("a-second"))
                .body("workflows[0].starCount", equalTo(1));
    }

    @Test
    void paginatesWithPageAndPerPage() {
        asAdmin()
                .queryParam("sortById", "true")
                .queryParam("sortAscending", "true")
                .queryParam("per_page", "2")
                .get(APP)
                .then()
                .body("workflows.id", contains("a-second", "b-first"));
        asAdmin()
                .queryParam("sortById", "true")
                .queryParam("sortAscending", "true")
                .queryParam("perPage", "2")
                .queryParam("page", "2")
                .get(APP)
                .then()
                .body("workflows.id", contains("c-third"));
        asAdmin()
                .queryParam("perPage", "2")
                .queryParam("page", "3")
                .get(APP)
                .then()
                .body("workflows", hasSize(0));
    }

    @Test
    void refusesPerPageAboveOneThousandAndUnparsableNumbers() {
        asAdmin()
                .queryParam("perPage", "1001")
                .get(APP)
                .then()
                .statusCode(400)
                .body("status.code", equalTo("WORKFLOW_INVALID_ARGUMENT"))
                .body("status.details", org.hamcrest.Matchers.containsString("perPage"))
                .body("workflows", hasSize(0));
        asAdmin().queryParam("perPage", "1000").get(APP).then().statusCode(200);
        asAdmin()
                .queryParam("page", "many")
                .get(APP)
                .then()
                .statusCode(400)
                .body("status.code", equalTo("WORKFLOW_INVALID_ARGUMENT"));
    }

    @Test
    void filtersBySearchStarsFeaturedAndBookmark() {
        asAdmin().queryParam("search", "ZEBRA").get(APP).then().body("workflows.id", contains("c-third"));
        asAdmin().queryParam("search", "second").get(APP).then().body("workflows.id", contains("a-second"));
        asAdmin().queryParam("starredOnly", "true").get(APP).then().body("workflows.id", contains("a-second"));
        asAdmin().queryParam("featuredOnly", "true").get(APP).then().body("workflows.id", contains("a-second"));
        asAdmin().queryParam("bookmark", "true").get(APP).then().body("workflows.id", contains("bookmarked"));
        asAdmin()
                .queryParam("bookmark", "false")
                .queryParam("sortById", "true")
                .get(APP)
                .then()
                .body("workflows.id", contains("c-third", "b-first", "a-second"));
        asAdmin().queryParam("search", "100%_").get(APP).then().body("workflows", hasSize(0));
    }

    @Test
    void starsAreShownOnlyWhenAskedFor() {
        asAdmin()
                .queryParam("search", "a-second")
                .get(APP)
                .then()
                .body("workflows[0].isStarred", nullValue())
                .body("workflows[0].starCount", nullValue());
        asAdmin()
                .queryParam("search", "a-second")
                .queryParam("additional_fields", "all")
                .get(APP)
                .then()
                .body("workflows[0].isStarred", equalTo(true));
    }

    @Test
    void userRouteListsEveryAppWhileBareRouteListsTheDefaultApp() {
        asAdmin()
                .body(WorkflowResourceTest.ONE_NODE.formatted("in-default-app"))
                .post("/v2/workflows")
                .then()
                .statusCode(200);
        asAdmin()
                .queryParam("perPage", "1000")
                .get("/v2/users/me/workflows")
                .then()
                .statusCode(200)
                .body("workflows.id", hasItems("in-default-app", "a-second"));
        asAdmin()
                .queryParam("perPage", "1000")
                .get("/v2/workflows")
                .then()
                .statusCode(200)
                .body("workflows.id", hasItem("in-default-app"))
                .body("workflows.id", not(hasItem("a-second")));
    }

    private static void create(String id, String extraFields) {
        String body = "{\"workflows\":["
                + extraFields.replaceFirst(
                        "\\{",
                        "{\"id\":\"" + id + "\",\"nodes\":["
                                + "{\"id\":\"n\",\"model\":{\"id\":\"colour-classifier\"}}],")
                + "]}";
        asAdmin().body(body).post(APP).then().statusCode(200);
    }
}
