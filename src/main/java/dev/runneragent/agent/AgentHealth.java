package dev.runneragent.agent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready, as an agent, once registered and pulling; not ready while registering, or after the key was refused. */
@Readiness
@ApplicationScoped
public class AgentHealth implements HealthCheck {

    @Inject
    Agent agent;

    @Override
    public HealthCheckResponse call() {
        Agent.State state = agent.state();
        return HealthCheckResponse.named("agent")
                .status(state == Agent.State.OFF || state == Agent.State.PULLING)
                .withData("state", state.name())
                .withData("runner", agent.runnerId() == null ? "" : agent.runnerId())
                .withData("problem", agent.problem())
                .build();
    }
}
