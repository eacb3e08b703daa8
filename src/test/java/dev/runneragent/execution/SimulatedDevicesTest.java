package dev.runneragent.execution;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node on a simulated inventory says so in its health. */
@QuarkusTest
@TestProfile(SimulatedDevicesTest.TwoGpus.class)
class SimulatedDevicesTest {

    /** Two simulated A10Gs. */
    public static class TwoGpus implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runner.devices.simulate", "gpu:2:24Gi:NVIDIA-A10G");
        }
    }

    @Test
    void healthSaysTheDevicesAreSimulated() {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'execution' }.data.simulatedDevices", equalTo(true))
                .body(
                        "checks.find { it.name == 'execution' }.data.devices",
                        containsString("gpu1 NVIDIA-A10G 24Gi (simulated: computing on the CPU)"));
    }
}
