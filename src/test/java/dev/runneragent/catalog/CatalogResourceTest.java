package dev.runneragent.catalog;

import static dev.runneragent.testing.Api.asAdmin;
import static dev.runneragent.testing.Api.withKey;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The user-level lists over the test model folder and {@code src/test/resources/catalog/import.json}: every sort
 * flag and filter, pages, app keys, and the error answers.
 */
@QuarkusTest
class CatalogResourceTest {

    static final String COLOUR = "colour-classifier";
    static final String TEXT = "text-embedder";

    static final String BIRDS = "birds";
    static final String CATS = "cats";
    static final String SAVED_FLOWERS = "saved-flowers";
    static final String COLOUR_TRAIN = "colour-train";
    static final String COLOUR_TEST = "colour-test";

    static final String COLOUR_EVAL = "colour-eval";
    static final String BIRDS_EVAL = "eval-birds";
    static final String SENTIMENT_EVAL = "eval-sentiment";
    static final String BROKEN_EVAL = "eval-broken";

    static final String IMAGE_TOOLS = "image-tools";
    static final String LABELER = "labeler";
    static final String ZOO = "zoo";
    static final String SAVED_MODULE = "saved-module";

    static final String SHARED_APP = "shared-app";
    static final String TEAM_APP = "team-app";

    static final String DUP_1 = "dup-1";
    static final String DUP_2 = "dup-2";
    static final String BOBS_DUPLICATION = "dup-bob";

    static final String OTHER_USER = "someone-else";
    static final int TOO_MANY = 1001;

    /** GET {@code /v2/users/me/<path>} with query parameters given as name, value, name, value, ... */
    static ValidatableResponse list(String path, String... query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (int i = 0; i < query.length; i += 2) {
            params.computeIfAbsent(query[i], k -> new ArrayList<>()).add(query[i + 1]);
        }
        var request = asAdmin();
        params.forEach((name, values) -> request.queryParam(name, values));
        return request.get("/v2/users/me/" + path).then();
    }

    static List<String> ids(String csv) {
        return csv.isBlank() ? List.of() : Arrays.asList(csv.split(" "));
    }

    static void assertIds(ValidatableResponse response, String jsonPath, String expected) {
        List<String> wanted = ids(expected);
        response.statusCode(200).body("status.code", equalTo("SUCCESS"));
        if (wanted.isEmpty()) {
            response.body(jsonPath, empty());
        } else {
            response.body(jsonPath, contains(wanted.toArray()));
        }
    }

    static void refusesTooLargePage(String path, String code) {
        list(path, "per_page", String.valueOf(TOO_MANY))
                .statusCode(400)
                .body("status.code", equalTo(code))
                .body("status.details", containsString("perPage"))
                .body("status.details", containsString("1001"));
    }

    static void hidesOtherUsers(String path, String code) {
        asAdmin()
                .get("/v2/users/" + OTHER_USER + "/" + path)
                .then()
                .statusCode(404)
                .body("status.code", equalTo(code))
                .body("status.details", containsString(OTHER_USER));
    }

    @Nested
    class Models {

        @Test
        void listsTheNodesModelsLatestModifiedFirst() {
            assertIds(list("models"), "models.id", COLOUR + " " + TEXT);
            list("models").body("models[0].modelVersion.id", equalTo("v1"));
        }

        @ParameterizedTest
        @CsvSource({
            "sort_by_name, text-embedder colour-classifier",
            "sort_by_num_inputs, colour-classifier text-embedder",
            "sort_by_modified_at, colour-classifier text-embedder",
            "sort_by_created_at, text-embedder colour-classifier",
            "sort_by_star_count, text-embedder colour-classifier"
        })
        void sortsDescendingByDefaultAndAscendingOnRequest(String flag, String descending) {
            assertIds(list("models", flag, "true"), "models.id", descending);
            assertIds(list("models", flag, "true", "sort_ascending", "true"), "models.id", reversed(descending));
        }

        @ParameterizedTest
        @CsvSource({
            "model_type_id, text-embedder, text-embedder",
            "modelTypeId, visual-detector, ''",
            "trained_only, true, colour-classifier text-embedder",
            "input_fields, image, colour-classifier",
            "input_fields, text, text-embedder",
            "output_fields, embeddings, text-embedder",
            "output_fields, data.concepts, colour-classifier",
            "output_fields, regions, ''",
            "license, apache-2.0, colour-classifier",
            "featured_only, true, colour-classifier",
            "starred_only, true, text-embedder",
            "toolkits, djl, colour-classifier",
            "use_cases, classification, colour-classifier",
            "languages, EN, text-embedder",
            "dont_fetch_from_main, true, colour-classifier text-embedder",
            "bookmark, true, ''",
            "search, SWATCHES, colour-classifier",
            "search, embed, text-embedder",
            "query, colour OR texts, colour-classifier text-embedder",
            "query, -colour, text-embedder",
            "name, col*, colour-classifier",
            "name, *embedder, text-embedder",
            "name, short, text-embedder"
        })
        void filters(String parameter, String value, String expected) {
            assertIds(list("models", parameter, value), "models.id", expected);
        }

        @Test
        void everyInputFieldMustMatchButAnyToolkitDoes() {
            assertIds(list("models", "input_fields", "image", "input_fields", "text"), "models.id", "");
            assertIds(list("models", "toolkits", "djl", "toolkits", "onnx"), "models.id", COLOUR);
        }

        @Test
        void leavesOutStarsOutputsAndPresetsUnlessAsked() {
            list("models")
                    .statusCode(200)
                    .body("models.starCount", everyItem(nullValue()))
                    .body("models[0].outputInfo", nullValue());
            list("models", "additional_fields", "stars")
                    .statusCode(200)
                    .body("models.starCount", contains(3, 7))
                    .body("models[1].isStarred", equalTo(true))
                    .body("models[0].outputInfo", nullValue());
            list("models", "additional_fields", "outputs")
                    .statusCode(200)
                    .body("models[0].outputInfo.data.concepts.id", contains("red", "green", "blue"));
            list("models", "additional_fields", "all")
                    .statusCode(200)
                    .body("models.starCount", contains(3, 7))
                    .body("models[0].outputInfo.data.concepts.id", contains("red", "green", "blue"));
        }

        @Test
        void refusesUnknownAdditionalField() {
            list("models", "additional_fields", "colours")
                    .statusCode(400)
                    .body("status.code", equalTo("MODEL_INVALID_ARGUMENT"))
                    .body("status.details", containsString("additionalFields"))
                    .body("status.details", containsString("colours"));
        }

        @Test
        void refusesTrainedOnlyWithBookmark() {
            list("models", "trained_only", "true", "bookmark", "true")
                    .statusCode(400)
                    .body("status.code", equalTo("MODEL_INVALID_ARGUMENT"))
                    .body("status.details", containsString("trainedOnly"))
                    .body("models", empty());
        }

        @Test
        void pages() {
            assertIds(list("models", "per_page", "1", "page", "2"), "models.id", TEXT);
            assertIds(list("models", "per_page", "1", "page", "3"), "models.id", "");
        }

        @Test
        void refusesTooLargePage() {
            CatalogResourceTest.refusesTooLargePage("models", "MODEL_INVALID_ARGUMENT");
        }

        @Test
        void hidesOtherUsers() {
            CatalogResourceTest.hidesOtherUsers("models", "MODEL_DOES_NOT_EXIST");
        }
    }

    @Nested
    class Datasets {

        @Test
        void listsOwnAndNodeDatasetsLatestModifiedFirstWithoutBookmarks() {
            assertIds(list("datasets"), "datasets.id", "colour-train birds cats colour-test");
            list("datasets").body("datasets.find { it.id == 'birds' }.userId", equalTo("admin"));
        }

        @ParameterizedTest
        @CsvSource({
            "sort_by_id, colour-train colour-test cats birds",
            "sort_by_created_at, cats birds colour-test colour-train",
            "sort_by_star_count, birds colour-test cats colour-train",
            "sort_by_modified_at, colour-train birds cats colour-test"
        })
        void sortsDescendingByDefaultAndAscendingOnRequest(String flag, String descending) {
            assertIds(list("datasets", flag, "true"), "datasets.id", descending);
            assertIds(list("datasets", flag, "true", "sort_ascending", "true"), "datasets.id", reversed(descending));
        }

        @ParameterizedTest
        @CsvSource({
            "starred_only, true, birds",
            "bookmark, true, saved-flowers",
            "search, swatches, colour-train colour-test",
            "search, FIELD SURVEY, birds",
            "id, at, cats"
        })
        void filters(String parameter, String value, String expected) {
            assertIds(list("datasets", parameter, value), "datasets.id", expected);
        }

        @Test
        void leavesOutStarsUnlessAsked() {
            list("datasets").statusCode(200).body("datasets.starCount", everyItem(nullValue()));
            list("datasets", "additional_fields", "stars")
                    .statusCode(200)
                    .body("datasets.find { it.id == 'birds' }.starCount", equalTo(5))
                    .body("datasets.find { it.id == 'birds' }.isStarred", equalTo(true));
            list("datasets", "additional_fields", "counts")
                    .statusCode(400)
                    .body("status.code", equalTo("BAD_REQUEST"))
                    .body("status.details", containsString("additionalFields"));
        }

        @Test
        void pages() {
            assertIds(list("datasets", "per_page", "2", "page", "2"), "datasets.id", "cats colour-test");
        }

        @Test
        void appKeySeesItsAppsAndTheNodes() {
            assertIds(
                    withKey(AppKeys.mainAppKey()).get("/v2/users/me/datasets").then(),
                    "datasets.id",
                    "colour-train birds colour-test");
        }

        @Test
        void refusesTooLargePage() {
            CatalogResourceTest.refusesTooLargePage("datasets", "BAD_REQUEST");
        }

        @Test
        void hidesOtherUsers() {
            CatalogResourceTest.hidesOtherUsers("datasets", "CONN_DOES_NOT_EXIST");
        }
    }

    @Nested
    class Evaluations {

        @Test
        void listsNewestModelVersionFirstWithoutFailures() {
            assertIds(list("evaluations"), "evalMetrics.id", "eval-sentiment eval-birds colour-eval");
        }

        @Test
        void fillsTheModelOfTheFoldersEvaluation() {
            list("evaluations")
                    .statusCode(200)
                    .body("evalMetrics.find { it.id == 'colour-eval' }.model.id", equalTo(COLOUR))
                    .body("evalMetrics.find { it.id == 'colour-eval' }.model.modelVersion.id", equalTo("v1"))
                    .body("evalMetrics.find { it.id == 'colour-eval' }.groundTruthDataset.id", equalTo(COLOUR_TEST));
        }

        @ParameterizedTest
        @CsvSource({
            "sort_by_app_id, eval-sentiment eval-birds colour-eval",
            "sort_by_roc_auc, colour-eval eval-sentiment eval-birds",
            "sort_by_f1, eval-birds colour-eval eval-sentiment",
            "sort_by_created_at, eval-sentiment eval-birds colour-eval",
            "sort_by_mean_avg_precision, eval-sentiment eval-birds colour-eval",
            "sort_by_precision, eval-sentiment colour-eval eval-birds",
            "sort_by_recall, eval-birds eval-sentiment colour-eval",
            "sort_by_model_id, eval-sentiment colour-eval eval-birds",
            "sort_by_eval_dataset_id, eval-sentiment colour-eval eval-birds",
            "sort_by_train_dataset_id, colour-eval eval-birds eval-sentiment"
        })
        void sortsDescendingByDefaultAndAscendingOnRequest(String flag, String descending) {
            assertIds(list("evaluations", flag, "true"), "evalMetrics.id", descending);
            assertIds(
                    list("evaluations", flag, "true", "sort_ascending", "true"),
                    "evalMetrics.id",
                    reversed(descending));
        }

        @ParameterizedTest
        @CsvSource({
            "model_type_id, visual-detector, eval-birds",
            "model_type_id, visual-classifier, colour-eval",
            "train_dataset_ids, birds, eval-birds",
            "train_dataset_ids, colour-train, colour-eval",
            "concept_ids, crow, eval-birds",
            "concept_ids, red, colour-eval",
            "show_failed_metrics, true, eval-broken eval-sentiment eval-birds colour-eval"
        })
        void filters(String parameter, String value, String expected) {
            assertIds(list("evaluations", parameter, value), "evalMetrics.id", expected);
        }

        @Test
        void keepsEvaluationsOnAnyOfTheGivenDatasets() {
            assertIds(
                    list("evaluations", "eval_dataset_ids", COLOUR_TEST, "eval_dataset_ids", "reviews-test"),
                    "evalMetrics.id",
                    SENTIMENT_EVAL + " " + COLOUR_EVAL);
        }

        @Test
        void appKeySeesItsAppsAndTheNodes() {
            assertIds(
                    withKey(AppKeys.mainAppKey())
                            .get("/v2/users/me/evaluations")
                            .then(),
                    "evalMetrics.id",
                    BIRDS_EVAL + " " + COLOUR_EVAL);
        }

        @Test
        void refusesTooLargePage() {
            CatalogResourceTest.refusesTooLargePage("evaluations", "EVALUATION_INVALID_ARGUMENT");
        }

        @Test
        void hidesOtherUsers() {
            CatalogResourceTest.hidesOtherUsers("evaluations", "CONN_DOES_NOT_EXIST");
        }
    }

    @Nested
    class Modules {

        @Test
        void listsOwnModulesLatestModifiedFirstWithoutBookmarks() {
            assertIds(list("modules"), "modules.id", "image-tools zoo labeler");
        }

        @ParameterizedTest
        @CsvSource({
            "sort_by_id, zoo labeler image-tools",
            "sort_by_created_at, labeler image-tools zoo",
            "sort_by_star_count, labeler image-tools zoo",
            "sort_by_modified_at, image-tools zoo labeler"
        })
        void sortsDescendingByDefaultAndAscendingOnRequest(String flag, String descending) {
            assertIds(list("modules", flag, "true"), "modules.id", descending);
            assertIds(list("modules", flag, "true", "sort_ascending", "true"), "modules.id", reversed(descending));
        }

        @ParameterizedTest
        @CsvSource({
            "starred_only, true, labeler",
            "bookmark, true, saved-module",
            "search, annotate, labeler",
            "search, IMAGE, image-tools",
            "name, an*, zoo",
            "name, lab, labeler"
        })
        void filters(String parameter, String value, String expected) {
            assertIds(list("modules", parameter, value), "modules.id", expected);
        }

        @Test
        void nameMatchesTheOwnerOnlyWithFilterByUserId() {
            assertIds(list("modules", "name", "adm*"), "modules.id", "");
            assertIds(
                    list("modules", "name", "adm*", "filter_by_user_id", "true"),
                    "modules.id",
                    "image-tools zoo labeler");
        }

        @Test
        void leavesOutStarsUnlessAsked() {
            list("modules").statusCode(200).body("modules.starCount", everyItem(nullValue()));
            list("modules", "additional_fields", "stars", "sort_by_id", "true")
                    .statusCode(200)
                    .body("modules.starCount", contains(null, 10, 2));
        }

        @Test
        void refusesTooLargePage() {
            CatalogResourceTest.refusesTooLargePage("modules", "MODULE_INVALID_ARGUMENT");
        }

        @Test
        void hidesOtherUsers() {
            CatalogResourceTest.hidesOtherUsers("modules", "MODULE_DOES_NOT_EXIST");
        }
    }

    @Nested
    class Collaborations {

        @Test
        void listsNewestFirst() {
            assertIds(list("collaborations"), "collaborations.app.id", TEAM_APP + " " + SHARED_APP);
            list("collaborations").body("collaborations[1].appOwner.id", equalTo("bob"));
        }

        @Test
        void templateOnlyKeepsTemplateApps() {
            assertIds(list("collaborations", "template_only", "true"), "collaborations.app.id", SHARED_APP);
        }

        @Test
        void pages() {
            assertIds(list("collaborations", "per_page", "1", "page", "2"), "collaborations.app.id", SHARED_APP);
        }

        @Test
        void refusesTooLargePage() {
            CatalogResourceTest.refusesTooLargePage("collaborations", "BAD_REQUEST");
        }

        @Test
        void hidesOtherUsers() {
            CatalogResourceTest.hidesOtherUsers("collaborations", "CONN_DOES_NOT_EXIST");
        }
    }

    @Nested
    class Duplications {

        @Test
        void listsNewestFirst() {
            assertIds(list("duplications"), "appDuplications.id", DUP_2 + " " + DUP_1);
        }

        @Test
        void pages() {
            assertIds(list("duplications", "per_page", "1", "page", "2"), "appDuplications.id", DUP_1);
        }

        @Test
        void getsOneById() {
            asAdmin()
                    .get("/v2/users/me/duplications/" + DUP_1)
                    .then()
                    .statusCode(200)
                    .body("appDuplication.id", equalTo(DUP_1))
                    .body("appDuplication.destinationApp.id", equalTo("main-copy"))
                    .body("appDuplication.filter.copyInputs", equalTo(true))
                    .body("appDuplication.status.code", equalTo("APP_DUPLICATION_SUCCESS"));
        }

        @Test
        void unknownIdIsNotFound() {
            asAdmin()
                    .get("/v2/users/me/duplications/no-such-duplication")
                    .then()
                    .statusCode(404)
                    .body("status.code", equalTo("CONN_DOES_NOT_EXIST"))
                    .body("status.details", containsString("no-such-duplication"));
        }

        @Test
        void anotherUsersDuplicationIsNotFound() {
            asAdmin()
                    .get("/v2/users/me/duplications/" + BOBS_DUPLICATION)
                    .then()
                    .statusCode(404)
                    .body("status.code", equalTo("CONN_DOES_NOT_EXIST"))
                    .body("status.details", containsString(BOBS_DUPLICATION));
            asAdmin()
                    .get("/v2/users/bob/duplications/" + BOBS_DUPLICATION)
                    .then()
                    .statusCode(404)
                    .body("status.code", equalTo("CONN_DOES_NOT_EXIST"));
        }

        @Test
        void refusesTooLargePage() {
            CatalogResourceTest.refusesTooLargePage("duplications", "APP_DUPLICATION_INVALID_REQUEST");
        }

        @Test
        void hidesOtherUsers() {
            CatalogResourceTest.hidesOtherUsers("duplications", "CONN_DOES_NOT_EXIST");
            CatalogResourceTest.hidesOtherUsers("duplications/" + DUP_1, "CONN_DOES_NOT_EXIST");
        }
    }

    static String reversed(String ids) {
        List<String> list = new ArrayList<>(ids(ids));
        Collections.reverse(list);
        return String.join(" ", list);
    }

    /** An app key of the admin limited to app {@code main}, made once. */
    static final class AppKeys {
        private static String mainAppKey;

        static synchronized String mainAppKey() {
            if (mainAppKey == null) {
                mainAppKey = asAdmin()
                        .body("{\"keys\":[{\"description\":\"catalog test\",\"scopes\":[\"All\"],"
                                + "\"apps\":[{\"id\":\"main\",\"userId\":\"admin\"}]}]}")
                        .post("/v2/users/me/keys")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("keys[0].id");
            }
            return mainAppKey;
        }
    }
}
