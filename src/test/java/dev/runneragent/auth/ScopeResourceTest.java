package dev.runneragent.auth;

import static dev.runneragent.testing.Api.asAdmin;
import static dev.runneragent.testing.Api.withKey;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** ListScopes and MyScopesUser, served from the same table the checks use. */
@QuarkusTest
class ScopeResourceTest {

    @Test
    void listsTheScopesAndEndpointsOfPersonalTokens() {
        asAdmin()
                .get("/v2/users/me/scopes")
                .then()
                .statusCode(200)
                .body(
                        "scopeDeps.find { it.scope == 'Workflows:Add' }.dependingScopes",
                        containsInAnyOrder("Workflows:Get"))
                .body("scopeDeps.scope", hasItems("Keys:Add", "Predict", "All"))
                .body("endpointDeps.endpoint", hasItems("/clarifai.api.V2/PostWorkflows", "/clarifai.api.V2/PostKeys"))
                .body(
                        "endpointDeps.find { it.endpoint == '/clarifai.api.V2/PostWorkflows' }.dependingScopes",
                        containsInAnyOrder("Apps:Get", "Models:Get", "Workflows:Add", "Workflows:Get"))
                .body("endpointDeps.endpoint", not(hasItem("/clarifai.api.V2/PostModels")));
    }

    @Test
    void appKeysGetOnlyTheEndpointsThatTakeAppKeys() {
        asAdmin()
                .queryParam("key_type", "app_specific_key")
                .get("/v2/users/me/scopes")
                .then()
                .statusCode(200)
                .body("endpointDeps.endpoint", hasItem("/clarifai.api.V2/PostWorkflows"))
                .body("endpointDeps.endpoint", not(hasItem("/clarifai.api.V2/PostKeys")))
                .body("scopeDeps.scope", not(hasItem("Keys:Add")))
                .body("scopeDeps.scope", hasItems("All", "Workflows:Add"));
        asAdmin()
                .queryParam("keyType", "magic")
                .get("/v2/users/me/scopes")
                .then()
                .statusCode(400)
                .body("status.details", containsString("keyType"));
    }

    @Test
    void myScopesShowsWhatTheCallingKeyMayDo() {
        asAdmin()
                .get("/v2/users/me/myscopes")
                .then()
                .statusCode(200)
                .body("scopes", hasItems("Workflows:Add", "Keys:Get"))
                .body("endpoints", hasItem("/clarifai.api.V2/MyScopesUser"));
    }

    @Test
    void appKeyMayNotReachPersonalTokenEndpoints() {
        String appKey = asAdmin()
                .body("""
                        {"keys":[{"scopes":["All"],"apps":[{"id":"main"}]}]}""")
                .post("/v2/users/me/keys")
                .then()
                .statusCode(200)
                .extract()
                .path("keys[0].id");
        withKey(appKey)
                .get("/v2/users/me/myscopes")
                .then()
                .statusCode(403)
                .body("status.code", equalTo("CONN_INSUFFICIENT_SCOPES"))
                .body("status.details", containsString("personal access token"));
        withKey(appKey).get("/v2/workflows").then().statusCode(200);
    }
}
