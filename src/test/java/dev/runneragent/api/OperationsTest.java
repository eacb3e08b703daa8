package dev.runneragent.api;

import static dev.runneragent.testing.Api.asAdmin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.Text;
import dev.runneragent.execution.ExecutionEngine;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Logger;
import org.junit.jupiter.api.Test;

/** Health, metrics, the OpenAPI document, request ids, and answers to requests no endpoint takes. */
@QuarkusTest
class OperationsTest {

    @Inject
    ExecutionEngine engine;

    @Test
    void healthEndpointsReportUpWithTheStoreCheck() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database connections health check")));
    }

    @Test
    void readinessReportsTheEnginesModelsAndDevices() {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'execution' }.status", equalTo("UP"))
                .body(
                        "checks.find { it.name == 'execution' }.data.models",
                        equalTo("{colour-classifier=[cpu], text-embedder=[cpu]}"))
                .body("checks.find { it.name == 'execution' }.data.simulatedDevices", equalTo(false))
                .body(
                        "checks.find { it.name == 'execution' }.data.'skipped.broken-model'",
                        containsString("model.json is not a valid Model message"));
    }

    @Test
    void prometheusMetricsShowTheEngine() {
        engine.predict(PostModelOutputsRequest.newBuilder()
                .setModelId("text-embedder")
                .addInputs(Input.newBuilder()
                        .setData(Data.newBuilder().setText(Text.newBuilder().setRaw("a cat"))))
                .build());
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("runner_model_batch_size_count{model=\"text-embedder\"}"))
                .body(containsString("runner_model_inference_seconds_count{device=\"cpu\",model=\"text-embedder\"}"))
                .body(containsString("runner_model_queue_depth{model=\"colour-classifier\"}"))
                .body(containsString("runner_device_memory_used_bytes{device=\"cpu\"}"));
    }

    @Test
    void prometheusMetricsCountApiRequests() {
        asAdmin().get("/v2/workflows").then().statusCode(200);
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("http_server_requests_seconds_count"))
                .body(containsString("uri=\"/v2/workflows\""));
    }

    @Test
    void openApiDocumentListsTheRoutes() {
        given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("paths.keySet()", hasItem("/v2/users/{userId}/apps/{appId}/workflows/ids"))
                .body("paths.'/v2/workflows'.keySet()", hasItem("post"));
    }

    @Test
    void everyAnswerCarriesItsRequestIdInBodyAndHeader() {
        String header = asAdmin()
                .get("/v2/workflows/none")
                .then()
                .statusCode(404)
                .extract()
                .header("X-Request-Id");
        asAdmin().get("/v2/workflows/none").then().body("status.reqId", org.hamcrest.Matchers.hasLength(32));
        assertTrue(header.matches("[0-9a-f]{32}"), header);
    }

    @Test
    void logLinesOfARequestCarryItsRequestId() {
        List<ExtLogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                ExtLogRecord extended = (ExtLogRecord) record;
                extended.copyAll(); // takes the MDC of the logging thread, as the console handler does
                records.add(extended);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger("dev.runneragent.api");
        logger.addHandler(capture);
        try {
            String reqId = asAdmin()
                    .get("/v2/workflows/logged-missing")
                    .then()
                    .statusCode(404)
                    .extract()
                    .path("status.reqId");
            assertFalse(records.isEmpty(), "the refusal is logged at DEBUG in tests");
            assertTrue(
                    records.stream()
                            .allMatch(r -> String.valueOf(r.getMdc(ApiRequestFilter.MDC_REQ_ID))
                                    .trim()
                                    .equals(reqId)),
                    () -> "every line carries " + reqId + ": "
                            + records.stream()
                                    .map(r -> r.getMdc(ApiRequestFilter.MDC_REQ_ID) + " " + r.getMessage())
                                    .toList());
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void unknownPathsAndMethodsAnswerWithAClarifaiStatus() {
        asAdmin()
                .get("/v2/no-such-endpoint")
                .then()
                .statusCode(404)
                .body("status.code", equalTo("CONN_DOES_NOT_EXIST"));
        asAdmin().put("/v2/workflows").then().statusCode(405).body("status.code", equalTo("CONN_METHOD_NOT_ALLOWED"));
    }
}
