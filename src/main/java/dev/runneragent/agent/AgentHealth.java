package dev.runneragent.agent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The agent's health. Ready: registered, pulling, and the upstream answered within
 * {@code runner.agent.ready-staleness} (the engine's own check says the models are loaded and warmed); not ready while
 * registering, draining, cut off from the upstream, or after the key was refused, with the reason. A node that is not
 * an agent is ready as far as this check goes.
 */
@Readiness
@ApplicationScoped
public class AgentHealth implements HealthCheck {

    @Inject
    Agent agent;

    @Inject
    AgentConfig config;

    @Inject
    Outbox outbox;

    @Inject
    Upstream upstream;

    @Override
    public HealthCheckResponse call() {
        Agent.State state = agent.state();
        Duration silent = agent.sinceLastAnswer();
        String problem = agent.problem();
        boolean fresh = silent != null && silent.compareTo(config.readyStaleness()) <= 0;
        if (state == Agent.State.PULLING && !fresh) {
            problem = "the upstream has not answered for "
                    + (silent == null ? "ever" : silent.toSeconds() + " s")
                    + " (runner.agent.ready-staleness is " + config.readyStaleness() + ")";
        }
        return HealthCheckResponse.named("agent")
                .status(state == Agent.State.OFF || (state == Agent.State.PULLING && fresh))
                .withData("state", state.name())
                .withData("runner", agent.runnerId() == null ? "" : agent.runnerId())
                .withData("problem", problem)
                .withData("inFlight", agent.inFlight())
                .withData("outbox", outbox.depth())
                .withData("encoding", upstream.encoding())
                .build();
    }

    /** Live unless a pull loop has not moved for {@code runner.agent.stuck-after}. */
    @Liveness
    @ApplicationScoped
    public static class Loops implements HealthCheck {

        @Inject
        Agent agent;

        @Inject
        AgentConfig config;

        @Override
        public HealthCheckResponse call() {
            Duration stall = agent.longestStall();
            return HealthCheckResponse.named("agent-loops")
                    .status(stall.compareTo(config.stuckAfter()) <= 0)
                    .withData("longestStallMillis", stall.toMillis())
                    .build();
        }
    }
}
