package dev.runneragent.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The configuration table of the README: the keys it documents, and their environment variable names. */
final class ConfigurationTable {

    private ConfigurationTable() {}

    /**
     * The keys of the table's first column. A row may name several: "`runner.agent.user-id` / `runner.agent.key`",
     * or a short second name completed from the first ("`...default-max-batch-size` / `default-max-batch-delay`").
     */
    static Set<String> keys() throws IOException {
        Set<String> keys = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| (`[^|]+`) \\|").matcher(Files.readString(Path.of("README.md")));
        while (row.find()) {
            Matcher key = Pattern.compile("`([a-z0-9.-]+)`").matcher(row.group(1));
            String first = null;
            while (key.find()) {
                String name = key.group(1);
                if (first == null) {
                    first = name;
                    keys.add(name);
                } else {
                    keys.add(name.contains(".") ? name : first.substring(0, first.lastIndexOf('.') + 1) + name);
                }
            }
        }
        return keys;
    }

    /** The keys as MicroProfile Config reads them from the environment ({@code runner.data-dir}: RUNNER_DATA_DIR). */
    static Set<String> environmentNames() throws IOException {
        return keys().stream()
                .map(key -> key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"))
                .collect(Collectors.toSet());
    }
}
