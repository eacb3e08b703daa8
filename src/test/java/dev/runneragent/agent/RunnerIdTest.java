package dev.runneragent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Node and pod names as runner ids (what the chart passes through the downward API). */
class RunnerIdTest {

    @Test
    void aValidIdStaysAsItIs() {
        assertEquals("gpu-node_1", Agent.runnerIdOf("gpu-node_1"));
        assertEquals("Agent-7", Agent.runnerIdOf("Agent-7"));
    }

    @Test
    void aDottedNodeNameBecomesAnId() {
        assertEquals("ip-10-0-1-17-ec2-internal", Agent.runnerIdOf("ip-10-0-1-17.ec2.internal"));
        assertEquals("node", Agent.runnerIdOf("..."));
    }

    @Test
    void aLongNameKeepsItsEndWhichTellsNodesApart() {
        String name = "gke-" + "pool.".repeat(40) + "node-42";
        String id = Agent.runnerIdOf(name);
        assertTrue(id.length() <= 128, id);
        assertTrue(id.endsWith("pool-node-42"), id);
        assertTrue(id.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,127}"), id);
    }
}
