package dev.runneragent.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart, rendered by the Helm library with its default values and with each documented option: what the
 * objects say (placement on the nodepool's GPUs, probes, the drain inside the grace period, autoscaling on the hub's
 * queue) and what the validation template and the values schema refuse.
 */
class HelmChartTest {

    @Test
    void lintsCleanWithTheDefaultValues() {
        LintResult lint = new Helm(Chart.DIR).lint().strict().call();
        assertFalse(lint.isFailed(), "helm lint --strict: " + lint.getMessages());
    }

    @Test
    void defaultsRunGpuAgentsOfClarifaiAsADeployment() {
        Chart chart = Chart.render();
        assertEquals(
                Set.of("Deployment", "Service", "ServiceAccount", "PodDisruptionBudget"),
                Set.copyOf(chart.kinds()),
                "no hub, no autoscaler, no ServiceMonitor without its CRD: " + chart.kinds());
        JsonNode agent = chart.one("Deployment");
        JsonNode pod = agent.path("spec").path("template").path("spec");
        JsonNode container = Chart.container(agent);

        assertEquals(1, agent.path("spec").path("replicas").asInt());
        assertEquals(
                "runner-agent:0.1.0-SNAPSHOT-cuda", container.path("image").asText(), "a GPU nodepool: CUDA image");
        assertEquals(
                1,
                container
                        .path("resources")
                        .path("limits")
                        .path("nvidia.com/gpu")
                        .asInt());
        assertTrue(tolerates(pod, "nvidia.com/gpu"), pod.path("tolerations").toString());
        assertEquals(List.of("nvidia.com/gpu.present"), affinityKeys(pod).get(0));
        assertEquals(
                "metadata.name",
                from(container, "RUNNER_AGENT_RUNNER_ID", "/fieldRef/fieldPath"),
                "a pod of a Deployment is its own runner");
        assertEquals("true", env(container, "RUNNER_AGENT_DEREGISTER_ON_EXIT"), "pod names never return");
        assertEquals("https://api.clarifai.com", env(container, "RUNNER_AGENT_CONTROL_PLANE_URL"));
        assertEquals("runner-agent-upstream", from(container, "RUNNER_AGENT_KEY", "/secretKeyRef/name"));
        assertEquals(
                List.of("ALL"),
                texts(container.path("securityContext").path("capabilities").path("drop")));
        assertTrue(
                container.path("securityContext").path("readOnlyRootFilesystem").asBoolean());
        assertEquals(0, chart.ofKind("Secret").size(), "the key comes from the named Secret");
    }

    @Test
    void theGpuRequestAndPlacementFollowComputeInfo() {
        Chart two = Chart.render(
                "nodepool.computeInfo.numAccelerators", "2",
                "nodepool.computeInfo.acceleratorType[0]", "NVIDIA-A10G",
                "nodepool.computeInfo.acceleratorType[1]", "NVIDIA-L4",
                "nodepool.computeInfo.acceleratorMemory", "24Gi",
                "nodepool.computeInfo.cpuLimit", "8",
                "nodepool.computeInfo.cpuMemory", "32Gi");
        JsonNode container = Chart.container(two.one("Deployment"));
        JsonNode pod = two.one("Deployment").path("spec").path("template").path("spec");
        JsonNode resources = container.path("resources");
        assertEquals(2, resources.path("limits").path("nvidia.com/gpu").asInt());
        assertEquals("8", resources.path("requests").path("cpu").asText());
        assertEquals("32Gi", resources.path("limits").path("memory").asText());
        assertEquals("2", env(container, "RUNNER_AGENT_COMPUTE_INFO_NUM_ACCELERATORS"));
        assertEquals("NVIDIA-A10G,NVIDIA-L4", env(container, "RUNNER_AGENT_COMPUTE_INFO_ACCELERATOR_TYPE"));
        assertEquals("24Gi", env(container, "RUNNER_AGENT_COMPUTE_INFO_ACCELERATOR_MEMORY"));
        JsonNode product = StreamSupport.stream(
                        pod.at(
                                        "/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0"
                                                + "/matchExpressions")
                                .spliterator(),
                        false)
                .filter(e -> e.path("key").asText().equals("nvidia.com/gpu.product"))
                .findFirst()
                .orElseThrow();
        assertEquals(List.of("NVIDIA-A10G", "NVIDIA-L4"), texts(product.path("values")));

        Chart cpu = Chart.render("nodepool.computeInfo.numAccelerators", "0");
        JsonNode cpuContainer = Chart.container(cpu.one("Deployment"));
        JsonNode cpuPod = cpu.one("Deployment").path("spec").path("template").path("spec");
        assertTrue(cpuContainer.path("resources").isObject(), "no requests: an empty object, not null");
        assertTrue(cpuContainer.path("resources").path("limits").isMissingNode());

        JsonNode merged = Chart.container(Chart.render(
                                "agent.resources.limits.ephemeral-storage", "2Gi",
                                "agent.resources.requests.cpu", "2")
                        .one("Deployment"))
                .path("resources");
        assertEquals(1, merged.path("limits").path("nvidia.com/gpu").asInt(), "computeInfo's GPU and yours");
        assertEquals("2Gi", merged.path("limits").path("ephemeral-storage").asText());
        assertEquals("2", merged.path("requests").path("cpu").asText());
        assertFalse(tolerates(cpuPod, "nvidia.com/gpu"));
        assertTrue(cpuPod.path("affinity").isMissingNode(), "a CPU nodepool runs anywhere");
        assertEquals("runner-agent:0.1.0-SNAPSHOT", cpuContainer.path("image").asText());
        assertEquals("0", env(cpuContainer, "RUNNER_AGENT_COMPUTE_INFO_NUM_ACCELERATORS"));
    }

    @Test
    void theDrainFitsInTheGracePeriodAndPreStopStartsIt() {
        for (String[] settings : List.of(
                new String[0],
                new String[] {"agent.drainTimeoutSeconds", "120", "agent.terminationGracePeriodSeconds", "130"},
                new String[] {"agent.kind", "DaemonSet", "agent.drainTimeoutSeconds", "5"})) {
            JsonNode agent = Chart.render(settings).all().stream()
                    .filter(o -> o.path("metadata").path("name").asText().endsWith("-agent"))
                    .filter(o -> o.path("spec").has("template"))
                    .findFirst()
                    .orElseThrow();
            JsonNode container = Chart.container(agent);
            Duration drain = Duration.parse(
                    "PT" + env(container, "RUNNER_AGENT_DRAIN_TIMEOUT").toUpperCase(Locale.ROOT));
            long grace = agent.path("spec")
                    .path("template")
                    .path("spec")
                    .path("terminationGracePeriodSeconds")
                    .asLong();
            assertTrue(
                    grace >= drain.toSeconds() + 10,
                    "grace " + grace + " s against a drain of " + drain + " with " + List.of(settings));
            assertTrue(
                    texts(container.at("/lifecycle/preStop/exec/command"))
                            .get(2)
                            .startsWith("kill -TERM 1"),
                    "preStop signals the JVM (PID 1), which drains");
        }
        assertTrue(Chart.failure("agent.drainTimeoutSeconds", "60")
                .orElseThrow()
                .contains("agent.terminationGracePeriodSeconds (60) must exceed agent.drainTimeoutSeconds (60)"));
    }

    @Test
    void aDaemonSetRunsOneAgentPerNodeNamedAfterTheNode() {
        Chart chart = Chart.render("agent.kind", "DaemonSet", "agent.dataHostPath", "/var/lib/runner-agent");
        JsonNode agent = chart.one("DaemonSet");
        assertTrue(chart.ofKind("Deployment").isEmpty());
        JsonNode container = Chart.container(agent);
        assertEquals("spec.nodeName", from(container, "RUNNER_AGENT_RUNNER_ID", "/fieldRef/fieldPath"));
        assertEquals("false", env(container, "RUNNER_AGENT_DEREGISTER_ON_EXIT"), "the node's next agent reuses it");
        assertEquals(
                "/var/lib/runner-agent",
                agent.at("/spec/template/spec/volumes/0/hostPath/path").asText(),
                "the outbox outlives the pod on its node");
        JsonNode own = agent.at("/spec/template/spec/initContainers/0");
        assertEquals(List.of("chown", "10001:10001", "/var/lib/runner-agent"), texts(own.path("command")));
        assertEquals(List.of("CHOWN"), texts(own.at("/securityContext/capabilities/add")), "only that capability");
    }

    @Test
    void aRolloutOnGpusFreesAGpuFirstAndOnCpusSurges() {
        JsonNode gpu = Chart.render().one("Deployment").at("/spec/strategy/rollingUpdate");
        assertEquals(0, gpu.path("maxSurge").asInt());
        assertEquals(1, gpu.path("maxUnavailable").asInt());
        JsonNode cpu = Chart.render("nodepool.computeInfo.numAccelerators", "0")
                .one("Deployment")
                .at("/spec/strategy/rollingUpdate");
        assertEquals(1, cpu.path("maxSurge").asInt());
        assertEquals(0, cpu.path("maxUnavailable").asInt());
        JsonNode set = Chart.render("agent.rollingUpdate.maxSurge", "2", "agent.rollingUpdate.maxUnavailable", "0")
                .one("Deployment")
                .at("/spec/strategy/rollingUpdate");
        assertEquals(2, set.path("maxSurge").asInt());
    }

    @Test
    void kedaScalesTheAgentsOnTheNodepoolsQueuePerAgent() {
        Chart chart = Chart.render(
                "hub.enabled", "true",
                "hub.bootstrapKeySecret", "k",
                "upstream.url", "",
                "autoscaling.enabled", "true",
                "autoscaling.minReplicas", "2",
                "autoscaling.maxReplicas", "20",
                "autoscaling.itemsPerAgent", "8",
                "nodepool.id", "a10g-pool");
        JsonNode scaled = chart.one("ScaledObject");
        JsonNode agents = chart.ofKind("Deployment").stream()
                .filter(d -> d.at("/metadata/name").asText().endsWith("-agent"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                agents.at("/metadata/name").asText(),
                scaled.at("/spec/scaleTargetRef/name").asText());
        assertEquals(2, scaled.at("/spec/minReplicaCount").asInt());
        assertEquals(20, scaled.at("/spec/maxReplicaCount").asInt());
        JsonNode trigger = scaled.at("/spec/triggers/0");
        assertEquals("prometheus", trigger.path("type").asText());
        assertEquals("AverageValue", trigger.path("metricType").asText(), "the fleet-wide total, divided by agents");
        assertEquals("8", trigger.at("/metadata/threshold").asText());
        String query = trigger.at("/metadata/query").asText();
        assertTrue(query.startsWith("sum("), "one sum over the hub's export: " + query);
        assertTrue(query.contains("nodepool=~\"a10g-pool|any\""), query);
        assertTrue(query.contains("runner_hub_items_(pending|leased)"), query);
        assertTrue(
                query.contains("namespace=\"gpu\",service=\"ra-runner-agent-hub\""),
                "only this release's hub, as its ServiceMonitor labels it: " + query);
        assertTrue(agents.path("spec").path("replicas").isMissingNode(), "the autoscaler owns the replica count");

        String own = "sum(my_queue{pool=\"a\"})";
        assertEquals(
                own,
                Chart.render("autoscaling.enabled", "true", "autoscaling.query", own)
                        .one("ScaledObject")
                        .at("/spec/triggers/0/metadata/query")
                        .asText(),
                "agents of a hub elsewhere bring their own query");
    }

    @Test
    void anHpaScalesOnTheExternalQueueMetricAsAnAverageValue() {
        Chart chart = Chart.render("autoscaling.enabled", "true", "autoscaling.kind", "hpa");
        JsonNode hpa = chart.one("HorizontalPodAutoscaler");
        assertEquals("autoscaling/v2", hpa.path("apiVersion").asText());
        JsonNode metric = hpa.at("/spec/metrics/0");
        assertEquals("External", metric.path("type").asText());
        assertEquals("AverageValue", metric.at("/external/target/type").asText());
        assertEquals("16", metric.at("/external/target/averageValue").asText());
        JsonNode nodepool = metric.at("/external/metric/selector/matchExpressions/0");
        assertEquals("nodepool", nodepool.path("key").asText());
        assertEquals(List.of("default", "any"), texts(nodepool.path("values")));
        assertTrue(chart.ofKind("ScaledObject").isEmpty());
    }

    @Test
    void aHubOnPostgresqlServesItsOwnAgents() {
        Chart chart = Chart.render(
                "hub.enabled", "true",
                "hub.replicas", "2",
                "hub.storeSecret", "runner-db",
                "hub.bootstrapKeySecret", "runner-admin-key",
                "upstream.url", "");
        List<JsonNode> deployments = chart.ofKind("Deployment");
        JsonNode hub = deployments.stream()
                .filter(d -> d.at("/metadata/name").asText().endsWith("-hub"))
                .findFirst()
                .orElseThrow();
        JsonNode agent = deployments.stream()
                .filter(d -> d.at("/metadata/name").asText().endsWith("-agent"))
                .findFirst()
                .orElseThrow();
        assertEquals(2, hub.at("/spec/replicas").asInt());
        JsonNode hubContainer = Chart.container(hub);
        assertEquals("runner-db", from(hubContainer, "RUNNER_STORE_JDBC_URL", "/secretKeyRef/name"));
        assertTrue(hub.at("/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu")
                .isMissingNode());
        JsonNode service = chart.ofKind("Service").stream()
                .filter(s -> s.at("/metadata/name").asText().equals("ra-runner-agent-hub"))
                .findFirst()
                .orElseThrow();
        JsonNode agentContainer = Chart.container(agent);
        assertEquals(
                "http://" + service.at("/metadata/name").asText() + ":"
                        + service.at("/spec/ports/0/port").asInt(),
                env(agentContainer, "RUNNER_AGENT_CONTROL_PLANE_URL"),
                "agents pull from the release's hub");
        assertEquals("runner-admin-key", from(agentContainer, "RUNNER_AGENT_KEY", "/secretKeyRef/name"));
        assertEquals("admin", env(agentContainer, "RUNNER_AGENT_USER_ID"));
        assertEquals(2, chart.ofKind("PodDisruptionBudget").size());
    }

    @Test
    void aServiceMonitorWhenAskedForAndAKeyInValuesBecomesASecret() {
        Chart chart = Chart.render("serviceMonitor.enabled", "true", "upstream.key", "pat-0123");
        JsonNode monitor = chart.one("ServiceMonitor");
        assertEquals("/q/metrics", monitor.at("/spec/endpoints/0/path").asText());
        assertEquals(
                chart.ofKind("Service")
                        .get(0)
                        .at("/metadata/labels/app.kubernetes.io~1component")
                        .asText(),
                monitor.at("/spec/selector/matchLabels/app.kubernetes.io~1component")
                        .asText());
        JsonNode secret = chart.one("Secret");
        assertEquals("pat-0123", secret.at("/stringData/key").asText());
        assertEquals(
                secret.at("/metadata/name").asText(),
                from(Chart.container(chart.one("Deployment")), "RUNNER_AGENT_KEY", "/secretKeyRef/name"));
    }

    @Test
    void theValidationTemplateRefusesContradictions() {
        assertRefused("set upstream.url (Clarifai, or a hub elsewhere), or hub.enabled=true", "upstream.url", "");
        assertRefused("The agents need a key", "upstream.existingSecret", "");
        assertRefused("agent.dataHostPath needs agent.kind=DaemonSet", "agent.dataHostPath", "/var/lib/runner-agent");
        assertRefused("autoscaling scales a Deployment", "autoscaling.enabled", "true", "agent.kind", "DaemonSet");
        assertRefused(
                "autoscaling.minReplicas (5) is above autoscaling.maxReplicas (2)",
                "autoscaling.enabled",
                "true",
                "autoscaling.minReplicas",
                "5",
                "autoscaling.maxReplicas",
                "2");
        assertRefused(
                "autoscaling.minReplicas must be 1 or more",
                "autoscaling.enabled",
                "true",
                "autoscaling.kind",
                "hpa",
                "autoscaling.minReplicas",
                "0");
        assertRefused("set hub.enabled=true, or give autoscaling.query", "autoscaling.enabled", "true");
        assertRefused("hub.replicas=3 needs PostgreSQL", "hub.enabled", "true", "hub.replicas", "3");
        assertRefused("image.flavor=cpu cannot use the nodepool's accelerators", "image.flavor", "cpu");
    }

    @Test
    void theValuesSchemaRefusesWrongTypesAndNames() {
        assertRefused("at '/agent/kind'", "agent.kind", "StatefulSet");
        assertRefused("at '/agent/capacity'", "agent.capacity", "0");
        assertRefused("at '/nodepool/computeInfo/numAccelerators'", "nodepool.computeInfo.numAccelerators", "two");
        assertRefused("pullLoop", "agent.pullLoop", "4"); // a misspelt key is not silently ignored
    }

    @Test
    void everyEnvironmentVariableSetsADocumentedConfigurationKey() throws IOException {
        Set<String> documented = ConfigurationTable.environmentNames();
        Chart chart = Chart.render(
                "hub.enabled", "true",
                "hub.storeSecret", "db",
                "hub.bootstrapKeySecret", "k",
                "hub.bootstrapUser", "ops",
                "hub.lease", "90s",
                "upstream.url", "",
                "agent.pullLoops", "2",
                "agent.capacity", "8",
                "agent.lease", "90s",
                "nodepool.computeInfo.acceleratorType[0]", "NVIDIA-A10G",
                "nodepool.computeInfo.acceleratorMemory", "24Gi",
                "nodepool.computeInfo.cpuLimit", "4",
                "nodepool.computeInfo.cpuMemory", "16Gi");
        for (JsonNode workload : chart.ofKind("Deployment")) {
            for (String name : Chart.envNames(Chart.container(workload))) {
                assertTrue(documented.contains(name), name + " is not a key of the README's configuration table");
            }
        }
        assertTrue(Chart.envNames(Chart.container(chart.ofKind("Deployment").get(0)))
                        .size()
                > 3);
    }

    @Test
    void thePodsRunAsTheImagesUser() throws IOException {
        Matcher uid = Pattern.compile("(?m)^ARG UID=(\\d+)$").matcher(Files.readString(Path.of("docker/Dockerfile")));
        assertTrue(uid.find(), "docker/Dockerfile declares ARG UID");
        JsonNode pod = Chart.render().one("Deployment").at("/spec/template/spec");
        assertEquals(
                Integer.parseInt(uid.group(1)),
                pod.at("/securityContext/runAsUser").asInt());
        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
    }

    @Test
    void everyValueIsCommented() throws IOException {
        List<String> lines = Files.readAllLines(Chart.DIR.resolve("values.yaml"));
        String previous = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.matches("\\s*[A-Za-z][\\w.-]*:.*")) {
                assertTrue(
                        previous.strip().startsWith("#") || line.contains("#"),
                        "values.yaml line " + (i + 1) + " has no comment above it or beside it: " + line);
            }
            if (!line.isBlank()) {
                previous = line;
            }
        }
    }

    private static void assertRefused(String expected, String... settings) {
        Optional<String> failure = Chart.failure(settings);
        assertTrue(failure.isPresent(), "rendered with " + List.of(settings));
        assertTrue(
                failure.get().contains(expected),
                "with " + List.of(settings) + ", expected \"" + expected + "\" in: " + failure.get());
    }

    /** Where an environment variable comes from: {@code pointer} into its {@code valueFrom}. */
    private static String from(JsonNode container, String name, String pointer) {
        return Chart.env(container, name)
                .orElseThrow(() -> new AssertionError(name + " is not set"))
                .at(pointer)
                .asText();
    }

    private static String env(JsonNode container, String name) {
        return Chart.env(container, name)
                .orElseThrow(() -> new AssertionError(name + " is not set"))
                .asText();
    }

    private static boolean tolerates(JsonNode pod, String key) {
        return StreamSupport.stream(pod.path("tolerations").spliterator(), false)
                .anyMatch(t -> t.path("key").asText().equals(key));
    }

    /** The keys of each node selector term of the required node affinity. */
    private static List<List<String>> affinityKeys(JsonNode pod) {
        return StreamSupport.stream(
                        pod.at(
                                        "/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms")
                                .spliterator(),
                        false)
                .map(term -> StreamSupport.stream(term.path("matchExpressions").spliterator(), false)
                        .map(e -> e.path("key").asText())
                        .toList())
                .toList();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }
}
