package dev.runneragent.auth;

import static dev.runneragent.testing.Api.asAdmin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PostValidatePassword on both routes. */
@QuarkusTest
class PasswordResourceTest {

    @ParameterizedTest
    @ValueSource(strings = {"/v2/users/me/validate_password", "/v2/validate_password"})
    void strongPasswordPasses(String route) {
        asAdmin()
                .body("{\"password\":{\"plaintext\":\"Tr0ub4dor&Horse!\"}}")
                .post(route)
                .then()
                .statusCode(200)
                .body("status.code", equalTo("PASSWORD_VALIDATION_SUCCESS"))
                .body("passwordViolations.minimumLength", nullValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v2/users/me/validate_password", "/v2/validate_password"})
    void weakPasswordNamesEachViolation(String route) {
        asAdmin()
                .body("{\"password\":{\"plaintext\":\"admin1\"}}")
                .post(route)
                .then()
                .statusCode(400)
                .body("status.code", equalTo("PASSWORD_VALIDATION_FAILED"))
                .body("status.details", containsString("shorter than 8"))
                .body("passwordViolations.minimumLength", equalTo(true))
                .body("passwordViolations.upperCaseNeeded", equalTo(true))
                .body("passwordViolations.nonAlphanumericNeeded", equalTo(true))
                .body("passwordViolations.excludeNames", equalTo(true))
                .body("passwordViolations.noCommonVocabs", equalTo(true))
                .body("passwordViolations.numericNeeded", nullValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v2/users/me/validate_password", "/v2/validate_password"})
    void missingPasswordIsAPolicyArgumentError(String route) {
        asAdmin()
                .body("{}")
                .post(route)
                .then()
                .statusCode(400)
                .body("status.code", equalTo("PASSWORDPOLICY_INVALID_ARGUMENT"))
                .body("status.details", containsString("password.plaintext"));
    }
}
