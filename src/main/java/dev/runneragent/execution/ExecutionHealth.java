package dev.runneragent.execution;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * Readiness (and start) of the engine: its models are loaded and warmed (the engine finishes both before the node starts), with
 * the device inventory, whether it is simulated, and what was skipped.
 */
@Readiness
@Startup
@ApplicationScoped
public class ExecutionHealth implements HealthCheck {

    @Inject
    ExecutionEngine engine;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder health = HealthCheckResponse.named("execution")
                .up()
                .withData("devices", engine.inventory().describe())
                .withData("simulatedDevices", engine.inventory().simulated())
                .withData("models", String.valueOf(engine.placements()))
                .withData("skipped", engine.problems().size());
        engine.problems().forEach(p -> health.withData("skipped." + p.dir().getFileName(), p.reason()));
        return health.build();
    }
}
