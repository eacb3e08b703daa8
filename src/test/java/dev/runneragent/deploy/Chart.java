package dev.runneragent.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * The chart in {@code helm/runner-agent}, rendered by the Helm library itself (helm-java carries it for Linux in a
 * Maven artifact), as Kubernetes objects to assert on.
 */
final class Chart {

    static final Path DIR = Path.of("helm/runner-agent");
    private static final YAMLMapper YAML = new YAMLMapper();

    private final List<JsonNode> objects;

    private Chart(List<JsonNode> objects) {
        this.objects = objects;
    }

    /** Renders the chart as release "ra" with {@code settings} as {@code --set key=value} pairs. */
    static Chart render(String... settings) {
        TemplateCommand template = new Helm(DIR).template().withName("ra").withNamespace("gpu");
        for (int i = 0; i < settings.length; i += 2) {
            template.set(settings[i], settings[i + 1]);
        }
        return new Chart(parse(template.call()));
    }

    /** What rendering with {@code settings} fails with (validation, schema), or empty when it renders. */
    static Optional<String> failure(String... settings) {
        try {
            render(settings);
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static List<JsonNode> parse(String manifests) {
        try (MappingIterator<JsonNode> documents =
                YAML.readerFor(JsonNode.class).readValues(manifests)) {
            List<JsonNode> objects = new ArrayList<>();
            while (documents.hasNextValue()) {
                JsonNode document = documents.nextValue();
                if (document != null && document.has("kind")) {
                    objects.add(document);
                }
            }
            return objects;
        } catch (IOException e) {
            throw new UncheckedIOException("the chart rendered what is not YAML:\n" + manifests, e);
        }
    }

    List<JsonNode> all() {
        return objects;
    }

    List<JsonNode> ofKind(String kind) {
        return objects.stream()
                .filter(o -> o.path("kind").asText().equals(kind))
                .toList();
    }

    /** The one object of {@code kind}, failing when there is none or more than one. */
    JsonNode one(String kind) {
        List<JsonNode> found = ofKind(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", rendered " + found.size() + ": " + kinds());
        }
        return found.get(0);
    }

    List<String> kinds() {
        return objects.stream().map(o -> o.path("kind").asText()).toList();
    }

    /** The first container of a workload's pod template. */
    static JsonNode container(JsonNode workload) {
        return workload.path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .path(0);
    }

    /** A container's environment variable: its plain value, or its {@code valueFrom} as text; empty when unset. */
    static Optional<JsonNode> env(JsonNode container, String name) {
        return StreamSupport.stream(container.path("env").spliterator(), false)
                .filter(e -> e.path("name").asText().equals(name))
                .findFirst()
                .map(e -> e.has("value") ? e.get("value") : e.get("valueFrom"));
    }

    static List<String> envNames(JsonNode container) {
        return StreamSupport.stream(container.path("env").spliterator(), false)
                .map(e -> e.path("name").asText())
                .toList();
    }
}
