package dev.runneragent.auth;

import static dev.runneragent.testing.Api.asAdmin;
import static dev.runneragent.testing.Api.withKey;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runneragent.testing.Endpoints;
import dev.runneragent.testing.Endpoints.Endpoint;
import dev.runneragent.testing.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every endpoint of the node's OpenAPI document refuses a missing key, an unknown key and an expired key (401), a
 * key without the endpoint's scope (403), and another user's resource (404). Health and metrics need no key.
 */
@QuarkusTest
class AuthorizationMatrixTest {

    private static final String WORKFLOW = "matrix-workflow";
    private static final String BOB = "matrix-bob";

    private static String version;
    private static String adminKeyHandle;
    private static String expiredKey;
    private static String narrowAppKey;
    private static String bobKey;

    @BeforeEach
    void prepareOnce() {
        if (version != null) {
            return;
        }
        version = asAdmin()
                .body("{\"workflows\":[{\"id\":\"" + WORKFLOW + "\",\"nodes\":[{\"id\":\"n\","
                        + "\"model\":{\"id\":\"colour-classifier\"}}]}]}")
                .post("/v2/workflows")
                .then()
                .statusCode(200)
                .extract()
                .path("workflows[0].version.id");
        adminKeyHandle = asAdmin().get("/v2/users/me/keys").then().extract().path("keys[0].id");
        narrowAppKey = asAdmin()
                .body("{\"keys\":[{\"scopes\":[\"Inputs:Get\"],\"apps\":[{\"id\":\"main\"}]}]}")
                .post("/v2/users/me/keys")
                .then()
                .statusCode(200)
                .extract()
                .path("keys[0].id");
        expiredKey = ExpiredKeys.insert("admin", null, "matrix expired key", "All");
        bobKey = Users.tokenFor(BOB);
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointRefusesAMissingKey() {
        return each(e -> call(given(), e, "me")
                .then()
                .statusCode(401)
                .body("status.code", equalTo("CONN_KEY_NOT_FOUND"))
                .body("status.reqId", not(emptyString())));
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointRefusesAnUnknownKey() {
        return each(e -> call(withKey("0123456789abcdef0123456789abcdef"), e, "me")
                .then()
                .statusCode(401)
                .body("status.code", equalTo("CONN_KEY_NOT_FOUND")));
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointRefusesAnExpiredKey() {
        return each(e -> call(withKey(expiredKey), e, "me")
                .then()
                .statusCode(401)
                .body("status.code", equalTo("CONN_KEY_INVALID")));
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointRefusesAKeyWithoutItsScope() {
        return each(e -> call(withKey(narrowAppKey), e, "me")
                .then()
                .statusCode(403)
                .body("status.code", equalTo("CONN_INSUFFICIENT_SCOPES")));
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointHidesAnotherUsersResources() {
        return endpoints().stream()
                .filter(e -> namesAResource(e) || e.template().contains("{userId}"))
                .map(e -> DynamicTest.dynamicTest(e.toString(), () -> {
                    if (e.template().contains("{userId}")) {
                        hidden(call(withKey(bobKey), e, "admin", "{}"));
                    }
                    if (namesAResource(e)) {
                        // bob's own user and app, the admin's resource: the resource lookup itself must hide it
                        hidden(call(withKey(bobKey), e, "me", resourceBody(e)));
                    }
                }));
    }

    /** Whether the request names one of the admin's resources: by a path parameter or, on bare routes, the body. */
    private static boolean namesAResource(Endpoint e) {
        String rest = e.template().replace("{userId}", "").replace("{appId}", "");
        return rest.contains("{") || BARE_BODIES.containsKey(e.toString());
    }

    private static String resourceBody(Endpoint e) {
        return BARE_BODIES.getOrDefault(e.toString(), "{}");
    }

    /** Bare routes whose body names the resources they act on. */
    private static final Map<String, String> BARE_BODIES = Map.of(
            "PATCH /v2/workflows", "{\"action\":\"merge\",\"workflows\":[{\"id\":\"" + WORKFLOW + "\"}]}",
            "DELETE /v2/workflows", "{\"ids\":[\"" + WORKFLOW + "\"]}");

    private static void hidden(io.restassured.response.Response answer) {
        answer.then()
                .log()
                .ifValidationFails()
                .statusCode(404)
                .body("status.code", org.hamcrest.Matchers.endsWith("DOES_NOT_EXIST"));
    }

    @Test
    void healthAndMetricsNeedNoKey() {
        for (String path : List.of("/q/health/live", "/q/health/ready", "/q/health/started", "/q/metrics")) {
            given().get(path).then().statusCode(200);
        }
    }

    @Test
    void theMatrixCoversTheWholeApi() {
        List<Endpoint> endpoints = endpoints();
        assertTrue(endpoints.size() >= 40, "endpoints in the OpenAPI document: " + endpoints);
        assertTrue(endpoints.contains(new Endpoint("patch", "/v2/users/{userId}/apps/{appId}/workflows/ids")));
    }

    private Stream<DynamicTest> each(java.util.function.Consumer<Endpoint> check) {
        return endpoints().stream().map(e -> DynamicTest.dynamicTest(e.toString(), () -> check.accept(e)));
    }

    private static io.restassured.response.Response call(RequestSpecification request, Endpoint e, String user) {
        return call(request, e, user, "{}");
    }

    private static io.restassured.response.Response call(
            RequestSpecification request, Endpoint e, String user, String body) {
        String path = e.template()
                .replace("{userId}", user)
                .replace("{appId}", "main")
                .replace("{workflowId}", WORKFLOW)
                .replace("{versionId}", version)
                .replace("{workflowVersionId}", version)
                .replace("{keyId}", adminKeyHandle)
                .replaceAll("\\{[A-Za-z]+}", "matrix-id");
        RequestSpecification spec = request.contentType(ContentType.JSON);
        if (!e.method().equals("get")) {
            spec = spec.body(body);
        }
        return spec.request(e.method(), path);
    }

    private static List<Endpoint> endpoints() {
        return Endpoints.all();
    }
}
