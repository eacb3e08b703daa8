package dev.runneragent.workflow;

import static dev.runneragent.testing.Api.asAdmin;
import static dev.runneragent.workflow.WorkflowResultsTest.GREEN;
import static dev.runneragent.workflow.WorkflowResultsTest.create;
import static dev.runneragent.workflow.WorkflowResultsTest.image;
import static dev.runneragent.workflow.WorkflowResultsTest.run;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runneragent.execution.TestInputs;
import dev.runneragent.testing.SampleModelsProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PostWorkflowResultsSimilarity over the sample models: the embeddings of the workflow's embedding node compared by
 * cosine similarity, checked against embeddings computed directly through PostModelOutputs.
 */
@QuarkusTest
@TestProfile(SampleModelsProfile.class)
class WorkflowSimilarityTest {

    private static final String LOOK_ALIKE = """
            {"workflows":[{"id":"%s","nodes":[
              {"id":"classify","model":{"id":"colour-classifier"}},
              {"id":"embed","model":{"id":"image-embedder"}}]}]}""";

    private static final BufferedImage SCENE = TestInputs.scene(96);
    private static final String PROBE = image("probe", TestInputs.encode(SCENE, "png"));
    private static final String FAR = image("far", TestInputs.solid(GREEN, 96));
    private static final String NEAR = image("near", TestInputs.encode(TestInputs.noisy(SCENE, 12, 7), "jpg"));
    private static final String OTHER_PROBE = image("green-probe", TestInputs.solid(GREEN, 50));

    private static String body(String modelVersionId, List<String> probes, List<String> pool) {
        return "{" + (modelVersionId == null ? "" : "\"modelVersionId\":\"" + modelVersionId + "\",")
                + "\"probeInputs\":[" + String.join(",", probes) + "],\"poolInputs\":[" + String.join(",", pool)
                + "]}";
    }

    @Test
    void aNearDuplicateOfTheProbeRanksAboveAnUnrelatedImageWithCosineScores() {
        create(LOOK_ALIKE.formatted("look-alike"));
        List<String> pool = List.of(FAR, NEAR);

        JsonPath answer =
                run("/v2/workflows/look-alike/results/similarity", body(null, List.of(PROBE, OTHER_PROBE), pool), 200);

        assertEquals("SUCCESS", answer.getString("status.code"));
        assertEquals(List.of("probe", "green-probe"), answer.getList("results.probeInput.id"));
        assertEquals(List.of("far", "near"), answer.getList("results[0].poolResults.input.id"), "pool order kept");
        List<Float> scores = answer.getList("results[0].poolResults.score", Float.class);
        assertTrue(scores.get(1) > scores.get(0), "near " + scores.get(1) + " above far " + scores.get(0));
        assertTrue(scores.get(1) > 0.98f, "near-duplicate " + scores.get(1));

        // The scores are the cosine similarities of the embeddings the embedder answers directly.
        JsonPath embedded = run(
                "/v2/models/image-embedder/outputs",
                "{\"inputs\":[" + String.join(",", PROBE, OTHER_PROBE, FAR, NEAR) + "]}",
                200);
        float[][] vectors = new float[4][];
        for (int i = 0; i < 4; i++) {
            List<Float> vector = embedded.getList("outputs[" + i + "].data.embeddings[0].vector", Float.class);
            vectors[i] = new float[vector.size()];
            for (int k = 0; k < vector.size(); k++) {
                vectors[i][k] = vector.get(k);
            }
        }
        for (int p = 0; p < 2; p++) {
            List<Float> probeScores = answer.getList("results[" + p + "].poolResults.score", Float.class);
            for (int q = 0; q < 2; q++) {
                assertEquals(
                        TestInputs.cosine(vectors[p], vectors[2 + q]),
                        probeScores.get(q),
                        1e-5,
                        "probe " + p + " pool " + q);
            }
        }
        List<Float> greenScores = answer.getList("results[1].poolResults.score", Float.class);
        assertTrue(greenScores.get(0) > greenScores.get(1), "the green probe is nearer the green image");
    }

    @Test
    void modelVersionIdPicksTheEmbeddingNodeOnEveryRouteForm() {
        create(LOOK_ALIKE.formatted("look-alike-routes"));
        String version = asAdmin()
                .get("/v2/workflows/look-alike-routes")
                .then()
                .extract()
                .path("workflow.version.id");

        // Both sample models are version "1": of the two nodes it names, the embedding one is compared.
        JsonPath bare = run(
                "/v2/workflows/look-alike-routes/results/similarity", body("1", List.of(PROBE), List.of(NEAR)), 200);
        JsonPath pinned = run(
                "/v2/users/me/apps/main/workflows/look-alike-routes/versions/" + version + "/results/similarity",
                body("1", List.of(PROBE), List.of(NEAR)),
                200);
        assertEquals(
                bare.getFloat("results[0].poolResults[0].score"), pinned.getFloat("results[0].poolResults[0].score"));
        assertTrue(bare.getFloat("results[0].poolResults[0].score") > 0.98f);
    }

    @Test
    void anAmbiguousMissingOrFailingEmbeddingIsAClearError() {
        create(LOOK_ALIKE.formatted("look-alike-errors"));
        create("""
                {"workflows":[{"id":"no-embedder","nodes":[{"id":"classify","model":{"id":"colour-classifier"}}]}]}""");
        create("""
                {"workflows":[{"id":"two-embedders","nodes":[
                  {"id":"first","model":{"id":"image-embedder"}},{"id":"second","model":{"id":"image-embedder"}}]}]}""");

        asAdmin()
                .body(body("no-such-version", List.of(PROBE), List.of(NEAR)))
                .post("/v2/workflows/look-alike-errors/results/similarity")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("WORKFLOW_INVALID_ARGUMENT"))
                .body("status.details", containsString("'no-such-version' is the version of no node"));
        asAdmin()
                .body(body(null, List.of(PROBE), List.of(NEAR)))
                .post("/v2/workflows/no-embedder/results/similarity")
                .then()
                .statusCode(400)
                .body("status.details", containsString("answers embeddings"));
        asAdmin()
                .body(body(null, List.of(PROBE), List.of(NEAR)))
                .post("/v2/workflows/two-embedders/results/similarity")
                .then()
                .statusCode(400)
                .body("status.details", containsString("several embedding nodes [first, second]"));
        asAdmin()
                .body(body(null, List.of(PROBE), List.of(NEAR, image("broken", "not an image".getBytes()))))
                .post("/v2/workflows/look-alike-errors/results/similarity")
                .then()
                .statusCode(400)
                .body("status.code", equalTo("INPUT_UNSUPPORTED_FORMAT"))
                .body("status.details", containsString("input 'broken' failed"));
        asAdmin()
                .body(body(null, List.of(), List.of(NEAR)))
                .post("/v2/workflows/look-alike-errors/results/similarity")
                .then()
                .statusCode(400)
                .body("status.details", containsString("probeInputs must hold at least one input"));
    }
}
