package dev.runneragent.testing;

import static dev.runneragent.testing.Api.asAdmin;

import io.restassured.path.json.JsonPath;

/** A test runner's side of the protocol over HTTP, as the bootstrap user. */
public final class RunnerPolls {

    private RunnerPolls() {}

    /** Long-polls {@code ListRunnerItems} until the runner gets an item (at most ten polls); answers the answer. */
    public static JsonPath pollItem(String runnerId) {
        for (int i = 0; i < 10; i++) {
            JsonPath answer = asAdmin()
                    .get("/v2/users/me/runners/" + runnerId + "/items")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            if (!answer.getList("runnerItems").isEmpty()) {
                return answer;
            }
        }
        throw new AssertionError("runner " + runnerId + " got no item");
    }
}
