package dev.runneragent.auth;

import static dev.runneragent.testing.Api.asAdmin;
import static dev.runneragent.testing.Api.withKey;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.runneragent.store.Db;
import dev.runneragent.testing.Users;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** PostKeys, ListKeys, GetKey, PatchKeys and DeleteKey, with their errors. */
@QuarkusTest
class KeyResourceTest {

    private static final String KEYS = "/v2/users/me/keys";
    private static final String APP_KEY = """
            {"keys":[{"description":"%s","scopes":["Workflows:Add"],"apps":[{"id":"key-app","userId":"me"}]%s}]}""";

    @Inject
    KeyStore store;

    @Inject
    Db db;

    @Test
    void postKeysShowsTheSecretOnceAndStoresOnlyItsHash() {
        String secret = create("shown once", "");
        assertFalse(store.byHash(Tokens.hash(secret)).isEmpty(), "stored under its hash");
        assertEquals(64, store.byHash(Tokens.hash(secret)).get().tokenHash().length());
        asAdmin()
                .get(KEYS)
                .then()
                .statusCode(200)
                .body("keys.id", not(hasItem(secret)))
                .body("keys.find { it.description == 'shown once' }.id", matchesPattern("[0-9a-f]{16}\\*{16}"));
    }

    @Test
    void appKeyGetsScopeDependenciesAndItsApp() {
        asAdmin()
                .body(APP_KEY.formatted("deps", ""))
                .post(KEYS)
                .then()
                .statusCode(200)
                .body("keys[0].id", matchesPattern("[0-9a-f]{32}"))
                .body("keys[0].type", equalTo("api_key"))
                .body("keys[0].scopes", containsInAnyOrder("Workflows:Add", "Workflows:Get"))
                .body("keys[0].apps[0].id", equalTo("key-app"))
                .body("keys[0].apps[0].userId", equalTo("admin"));
    }

    @Test
    void personalAccessTokenCarriesEveryScope() {
        String pat = asAdmin()
                .body("{\"keys\":[{\"type\":\"personal_access_token\",\"description\":\"pat\"}]}")
                .post(KEYS)
                .then()
                .statusCode(200)
                .body("keys[0].scopes", contains("All"))
                .extract()
                .path("keys[0].id");
        withKey(pat).get(KEYS).then().statusCode(200);
    }

    @Test
    void refusesInvalidKeys() {
        refused("{\"keys\":[]}", "at least one key");
        refused(APP_KEY.formatted("x", "").replace("Workflows:Add", "Workflows:Fly"), "unknown scope 'Workflows:Fly'");
        refused("{\"keys\":[{\"scopes\":[\"All\"]}]}", "exactly one app");
        refused("{\"keys\":[{\"type\":\"session\",\"apps\":[{\"id\":\"a\"}]}]}", "type must be");
        refused("{\"keys\":[{\"type\":\"personal_access_token\",\"apps\":[{\"id\":\"a\"}]}]}", "leave apps empty");
        refused(APP_KEY.formatted("past", ",\"expiresAt\":\"2001-01-01T00:00:00Z\""), "expiresAt is in the past");
        refused(
                "{\"keys\":[{\"apps\":[{\"id\":\"a\"}],\"endpoints\":[\"/clarifai.api.V2/Teleport\"]}]}",
                "unknown endpoint");
        refused("{\"keys\":[{\"apps\":[{\"id\":\"a\"}]}]}", "grants nothing");
        asAdmin()
                .body("{\"keys\":[{\"description\":1234567890123}")
                .post(KEYS)
                .then()
                .statusCode(400)
                .body("status.code", equalTo("CONN_BAD_REQUEST_FORMAT"));
    }

    @Test
    void listFiltersByScopesEndpointsAndExpiry() {
        create("filter-endpoint", ",\"endpoints\":[\"/clarifai.api.V2/ListModels\"]");
        asAdmin()
                .body("{\"keys\":[{\"description\":\"filter-models\",\"scopes\":[\"Models:Get\"],"
                        + "\"apps\":[{\"id\":\"key-app\"}]}]}")
                .post(KEYS)
                .then()
                .statusCode(200);
        ExpiredKeys.insert("admin", "key-app", "filter-expired", "Workflows:Add", "Workflows:Get");
        asAdmin()
                .queryParam("endpoints", "ListModels")
                .get(KEYS)
                .then()
                .body("keys.description", contains("filter-endpoint"));
        asAdmin()
                .queryParam("scopes", "Workflows_Add")
                .queryParam("per_page", "1000")
                .get(KEYS)
                .then()
                .body("keys.description", hasItems("filter-endpoint", "filter-expired", "bootstrap key (configured)"))
                .body("keys.description", not(hasItem("filter-models")));
        asAdmin().queryParam("perPage", "1000").get(KEYS).then().body("keys.description", hasItem("filter-expired"));
        asAdmin()
                .queryParam("notExpired", "true")
                .queryParam("perPage", "1000")
                .get(KEYS)
                .then()
                .body("keys.description", hasItems("filter-models", "filter-endpoint"))
                .body("keys.description", not(hasItem("filter-expired")));
        asAdmin().queryParam("scopes", "Nope:Get").get(KEYS).then().statusCode(400);
        asAdmin().queryParam("perPage", "1001").get(KEYS).then().statusCode(400).body("keys", hasSize(0));
    }

    @Test
    void appKeysCannotHoldScopesOnlyPersonalTokensUse() {
        refused(APP_KEY.formatted("keys", "").replace("Workflows:Add", "Keys:Add"), "'Keys:Add' serves only");
        asAdmin()
                .body(APP_KEY.formatted("everything", "").replace("Workflows:Add", "All"))
                .post(KEYS)
                .then()
                .statusCode(200)
                .body("keys[0].scopes", contains("All"));
    }

    @Test
    void getPatchAndDeleteAcceptTheSecretTheMaskedIdOrTheHandle() {
        String secret =
                asAdmin().body("""
                        {"keys":[{"description":"to patch","scopes":["Apps:Get","Models:Get","Workflows:Add"],
                          "apps":[{"id":"key-app"}]}]}""").post(KEYS).then().statusCode(200).extract().path("keys[0].id");
        withKey(secret)
                .body("{\"workflows\":[{\"id\":\"by-key\"}]}")
                .post("/v2/users/me/apps/key-app/workflows")
                .then()
                .statusCode(400)
                .body("status.details", containsString("at least one node"));
        String masked = asAdmin()
                .get(KEYS + "/" + secret)
                .then()
                .statusCode(200)
                .body("key.description", equalTo("to patch"))
                .extract()
                .path("key.id");
        asAdmin().get(KEYS + "/" + masked.substring(0, 16)).then().statusCode(200);
        asAdmin()
                .body("""
                {"action":"overwrite","keys":[{"id":"%s","description":"patched","scopes":["Models:Get"],
                  "apps":[{"id":"key-app"}]}]}""".formatted(masked))
                .patch(KEYS)
                .then()
                .statusCode(200)
                .body("keys[0].id", equalTo(masked))
                .body("keys[0].description", equalTo("patched"))
                .body("keys[0].scopes", contains("Models:Get"));
        withKey(secret)
                .body("{\"workflows\":[{\"id\":\"by-patched-key\"}]}")
                .post("/v2/workflows")
                .then()
                .statusCode(403)
                .body("status.details", containsString("Workflows:Add"));
        asAdmin()
                .body("{\"action\":\"merge\",\"keys\":[{\"id\":\"" + masked + "\"}]}")
                .patch(KEYS)
                .then()
                .statusCode(400)
                .body("status.details", containsString("only action 'overwrite'"));
        asAdmin().body("{}").delete(KEYS + "/" + masked).then().statusCode(200);
        asAdmin().get(KEYS + "/" + masked).then().statusCode(404).body("status.code", equalTo("CONN_DOES_NOT_EXIST"));
        withKey(secret).get("/v2/workflows").then().statusCode(401).body("status.code", equalTo("CONN_KEY_NOT_FOUND"));
    }

    @Test
    void anotherUsersKeysAreInvisible() {
        String secret = create("admin only", "");
        String carol = Users.tokenFor("carol");
        withKey(carol).get("/v2/users/me/keys/" + secret).then().statusCode(404);
        withKey(carol).get("/v2/users/admin/keys").then().statusCode(404).body("keys", hasSize(0));
        withKey(carol).body("{}").delete("/v2/users/me/keys/" + secret).then().statusCode(404);
        asAdmin().get(KEYS + "/" + secret).then().statusCode(200);
    }

    @Test
    void expiredKeyIsRefusedWith401() {
        String secret = ExpiredKeys.insert("admin", null, "expired", "All");
        withKey(secret)
                .get("/v2/workflows")
                .then()
                .statusCode(401)
                .body("status.code", equalTo("CONN_KEY_INVALID"))
                .body("status.details", containsString("expired at 2021-01-01T00:00:00Z"));
    }

    private static String create(String description, String extra) {
        return asAdmin()
                .body(APP_KEY.formatted(description, extra))
                .post(KEYS)
                .then()
                .statusCode(200)
                .extract()
                .path("keys[0].id");
    }

    private static void refused(String body, String details) {
        asAdmin()
                .body(body)
                .post(KEYS)
                .then()
                .statusCode(400)
                .body("status.code", equalTo("BAD_REQUEST"))
                .body("status.details", containsString(details))
                .body("keys", hasSize(0));
    }
}
