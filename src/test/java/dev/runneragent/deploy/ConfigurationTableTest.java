package dev.runneragent.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runneragent.agent.AgentConfig;
import dev.runneragent.api.ApiConfig;
import dev.runneragent.auth.AuthConfig;
import dev.runneragent.catalog.CatalogConfig;
import dev.runneragent.execution.DevicesConfig;
import dev.runneragent.execution.ExecutionConfig;
import dev.runneragent.execution.ModelsConfig;
import dev.runneragent.runner.HubConfig;
import dev.runneragent.store.NodeConfig;
import dev.runneragent.workflow.WorkflowConfig;
import io.smallrye.config.ConfigMapping;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every {@code runner.*} setting the node reads is a row of the README's configuration table, and no row is stale. */
class ConfigurationTableTest {

    private static final List<Class<?>> MAPPINGS = List.of(
            NodeConfig.class,
            AuthConfig.class,
            CatalogConfig.class,
            ApiConfig.class,
            ModelsConfig.class,
            DevicesConfig.class,
            ExecutionConfig.class,
            HubConfig.class,
            AgentConfig.class,
            WorkflowConfig.class);

    @Test
    void theTableDocumentsEveryRunnerSettingAndNothingElse() throws Exception {
        Set<String> read = new TreeSet<>();
        for (Class<?> mapping : MAPPINGS) {
            collect(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, read);
        }
        assertTrue(read.size() > 40, "the mappings were walked: " + read);
        Set<String> documented = new TreeSet<>(ConfigurationTable.keys());
        documented.removeIf(key -> !key.startsWith("runner."));

        Set<String> missing = new TreeSet<>(read);
        missing.removeAll(documented);
        Set<String> stale = new TreeSet<>(documented);
        stale.removeAll(read);
        assertEquals(Set.of(), missing, "settings the README's configuration table does not list");
        assertEquals(Set.of(), stale, "rows of the README's configuration table that no setting reads");
    }

    /** The keys of {@code type}'s methods under {@code prefix}; a nested mapping interface adds its own. */
    private static void collect(String prefix, Class<?> type, Set<String> keys) {
        for (Method method : type.getDeclaredMethods()) {
            if (method.getParameterCount() > 0 || Modifier.isStatic(method.getModifiers()) || method.isDefault()) {
                continue;
            }
            String key = prefix + "."
                    + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            Class<?> result = method.getReturnType();
            if (result.isInterface() && result.getEnclosingClass() == type) {
                collect(key, result, keys);
            } else {
                keys.add(key);
            }
        }
    }
}
