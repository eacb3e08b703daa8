package dev.runneragent.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The chart's probes and scrape path are endpoints this node really serves: each path the chart renders (agent and
 * hub) is asked of a running node, and the container port is the node's configured HTTP port.
 */
@QuarkusTest
class ChartProbesTest {

    @Test
    void probesAndMetricsPointAtRealEndpointsOnTheConfiguredPort() throws IOException {
        Chart chart = Chart.render(
                "hub.enabled",
                "true",
                "hub.bootstrapKeySecret",
                "k",
                "upstream.url",
                "",
                "serviceMonitor.enabled",
                "true");
        List<String> paths = new ArrayList<>();
        for (JsonNode workload : chart.ofKind("Deployment")) {
            JsonNode container = Chart.container(workload);
            assertEquals(
                    configuredPort(), container.at("/ports/0/containerPort").asInt());
            assertEquals("http", container.at("/ports/0/name").asText());
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                JsonNode get = container.path(probe).path("httpGet");
                assertEquals("http", get.path("port").asText(), probe + " uses the named port");
                paths.add(get.path("path").asText());
            }
        }
        chart.ofKind("ServiceMonitor")
                .forEach(m -> paths.add(m.at("/spec/endpoints/0/path").asText()));
        assertEquals(8, paths.size(), "three probes on two workloads, two scrape paths: " + paths);

        for (String path : paths) {
            Response answer = given().get(path);
            // A probe may answer 503 (DOWN) on this test node, never 404: the path exists.
            assertTrue(
                    answer.statusCode() == 200 || answer.statusCode() == 503,
                    path + " answered " + answer.statusCode());
            String body = answer.asString();
            assertFalse(body.isBlank(), path);
            if (path.startsWith("/q/health")) {
                assertTrue(body.contains("\"status\""), path + ": " + body);
            } else {
                assertTrue(body.contains("# TYPE"), path + " is Prometheus' text format");
            }
        }
    }

    private static int configuredPort() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = ChartProbesTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        return Integer.parseInt(properties.getProperty("quarkus.http.port", "8080"));
    }
}
