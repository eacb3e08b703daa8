package dev.runneragent.api;

import static dev.runneragent.testing.Api.asAdmin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.runneragent.testing.Endpoints;
import dev.runneragent.testing.Endpoints.Endpoint;
import io.quarkus.test.junit.QuarkusTest;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Bad input on every endpoint of the OpenAPI document: a body that is not JSON answers 400
 * {@code CONN_BAD_REQUEST_FORMAT} with its position, and an unparsable number in the query answers 400 with the
 * endpoint's own invalid-argument code; both with a request id and the endpoint's response shape.
 */
@QuarkusTest
class BadInputMatrixTest {

    @TestFactory
    Stream<DynamicTest> everyEndpointWithABodyRefusesBrokenJson() {
        return Endpoints.all().stream()
                .filter(e -> !e.method().equals("get"))
                .map(e -> DynamicTest.dynamicTest(
                        e.toString(),
                        () -> asAdmin()
                                .body("{\"broken\": [")
                                .request(e.method(), path(e))
                                .then()
                                .log()
                                .ifValidationFails()
                                .statusCode(400)
                                .body("status.code", equalTo("CONN_BAD_REQUEST_FORMAT"))
                                .body("status.details", containsString("line 1"))
                                .body("status.reqId", not(emptyString()))));
    }

    @TestFactory
    Stream<DynamicTest> everyListRefusesAnUnparsablePageAndOthersIgnoreIt() {
        return Endpoints.all().stream()
                .filter(e -> e.method().equals("get"))
                .map(e -> DynamicTest.dynamicTest(e.toString(), () -> {
                    var answer = asAdmin().queryParam("page", "first").get(path(e));
                    int http = answer.statusCode();
                    String details = answer.path("status.details");
                    // A list refuses the value naming it; other reads ignore an unknown parameter, like unknown fields.
                    if (http == 400) {
                        answer.then().body("status.details", containsString("page"));
                    } else {
                        answer.then().statusCode(not(equalTo(500)));
                        org.junit.jupiter.api.Assertions.assertFalse(
                                String.valueOf(details).contains("first"), e + ": " + details);
                    }
                }));
    }

    private static String path(Endpoint e) {
        return e.template().replace("{userId}", "me").replaceAll("\\{[A-Za-z]+}", "bad-input");
    }
}
