package dev.runneragent.testing;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The API's endpoints as the node's own OpenAPI document lists them, for tests that must cover every one. */
public final class Endpoints {

    /** One endpoint: an HTTP method (lower case) and a path template. */
    public record Endpoint(String method, String template) {
        @Override
        public String toString() {
            return method.toUpperCase() + " " + template;
        }
    }

    private Endpoints() {}

    public static List<Endpoint> all() {
        JsonPath openapi = given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Map<String, Map<String, Object>> paths = openapi.getMap("paths");
        List<Endpoint> endpoints = new ArrayList<>();
        paths.forEach((template, operations) -> operations.keySet().stream()
                .filter(m -> List.of("get", "post", "patch", "delete", "put").contains(m))
                .forEach(m -> endpoints.add(new Endpoint(m, template))));
        return endpoints;
    }
}
