package dev.runneragent.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;

/**
 * What can be checked of the images without a Docker engine, after the build (an integration test: the packaged
 * application must exist): every file the Dockerfiles copy is there and not excluded by {@code .dockerignore}, the
 * port, health path, user and paths match the node's configuration and the chart, and the pinned versions match the
 * pom.
 */
class DockerfileIT {

    private static final Path ROOT = Path.of("").toAbsolutePath();

    @ParameterizedTest
    @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.cuda"})
    void everyCopiedSourceExistsAfterTheBuildAndEntersTheContext(String dockerfile) throws Exception {
        List<String> sources = new ArrayList<>();
        Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(?:--\\S+ )*(\\S+) (\\S+)$")
                .matcher(read(dockerfile));
        while (copy.find()) {
            sources.add(copy.group(1));
        }
        assertTrue(sources.size() >= 5, "the fast-jar's four layers and the models: " + sources);
        for (String source : sources) {
            Path path = ROOT.resolve(source);
            assertTrue(Files.exists(path), dockerfile + " copies " + source + ", which the build did not make");
            assertFalse(excluded(ROOT.relativize(path).toString()), source + " is in .dockerignore");
        }
        assertTrue(
                Files.list(ROOT.resolve("target/quarkus-app/lib/main"))
                        .anyMatch(jar -> jar.getFileName().toString().contains("pytorch-native-cpu")),
                "the default build bundles the CPU libtorch that docker/Dockerfile relies on");
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.cuda"})
    void portHealthPathAndPathsMatchTheConfiguration(String dockerfile) throws Exception {
        String text = read(dockerfile);
        Properties app = new Properties();
        try (InputStream in = Files.newInputStream(ROOT.resolve("src/main/resources/application.properties"))) {
            app.load(in);
        }
        String port = app.getProperty("quarkus.http.port", "8080");
        assertEquals(List.of(port), all(text, "(?m)^EXPOSE (\\d+)$"), "EXPOSE the node's port");
        assertTrue(
                text.contains("http://127.0.0.1:" + port + "/q/health/live"),
                "the HEALTHCHECK asks the liveness endpoint on the node's port");
        assertTrue(text.contains("-XX:+ExitOnOutOfMemoryError"));
        assertTrue(text.contains("USER runner"), "runs as its own user");

        Map<String, String> env = env(text);
        Set<String> documented = ConfigurationTable.environmentNames();
        for (String name : env.keySet()) {
            if (name.startsWith("RUNNER_")) {
                assertTrue(documented.contains(name), name + " is not a key of the README's configuration table");
            }
        }
        List<String> volumes = all(text, "\"(/[^\"]+)\"");
        assertTrue(volumes.contains(env.get("RUNNER_DATA_DIR")), "the store is on a volume: " + volumes);
        assertTrue(volumes.contains(env.get("DJL_CACHE_DIR")), "DJL's cache is on a volume: " + volumes);
        String chartAgent = Files.readString(ROOT.resolve("helm/runner-agent/templates/agent.yaml"));
        for (String path :
                List.of(env.get("RUNNER_DATA_DIR"), env.get("DJL_CACHE_DIR"), env.get("RUNNER_MODELS_DIR"))) {
            assertTrue(chartAgent.contains("mountPath: " + path), "the chart mounts " + path);
        }
        assertTrue(text.contains("org.opencontainers.image.version=\"${APP_VERSION}\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.cuda"})
    void pinnedVersionsMatchThePom(String dockerfile) throws Exception {
        Document pom = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(ROOT.resolve("pom.xml").toFile());
        String text = read(dockerfile);
        Map<String, String> args = new LinkedHashMap<>();
        Matcher arg = Pattern.compile("(?m)^ARG (\\w+)=(\\S+)$").matcher(text);
        while (arg.find()) {
            args.put(arg.group(1), arg.group(2));
        }
        assertEquals(property(pom, "djl.version"), args.get("DJL_VERSION"));
        assertEquals(property(pom, "pytorch.version"), args.get("PYTORCH_VERSION"));
        assertEquals(
                pom.getDocumentElement().getElementsByTagName("version").item(0).getTextContent(),
                args.get("APP_VERSION"));
        String java = args.get("JAVA_IMAGE");
        assertTrue(
                java.matches(
                        "eclipse-temurin:" + property(pom, "maven.compiler.release") + "\\.\\d+\\.\\d+_\\d+-jre-.+"),
                "a pinned JRE of the pom's Java release: " + java);
        assertEquals(
                Files.readString(ROOT.resolve("helm/runner-agent/Chart.yaml"))
                        .lines()
                        .filter(l -> l.startsWith("appVersion:"))
                        .findFirst()
                        .orElseThrow()
                        .replaceAll("appVersion: *\"?([^\"]+)\"?", "$1"),
                args.get("APP_VERSION"),
                "the chart's appVersion names this image");
        if (dockerfile.endsWith(".cuda")) {
            assertTrue(
                    args.get("TORCH_IMAGE")
                            .startsWith("pytorch/pytorch:" + property(pom, "pytorch.version") + "-cuda12.8-"),
                    "libtorch of the pom's version, for CUDA 12.8: " + args.get("TORCH_IMAGE"));
            assertEquals("cu128", args.get("PYTORCH_FLAVOR"));
            Map<String, String> env = env(text);
            assertEquals("${PYTORCH_VERSION}", env.get("PYTORCH_VERSION"));
            assertEquals("/opt/libtorch", env.get("PYTORCH_LIBRARY_PATH"));
            assertTrue(text.contains("pytorch-native-cpu"), "the CUDA image refuses a build with the CPU libtorch");
        }
    }

    private static String read(String file) throws IOException {
        return Files.readString(ROOT.resolve(file));
    }

    private static String property(Document pom, String name) {
        return pom.getDocumentElement().getElementsByTagName(name).item(0).getTextContent();
    }

    private static List<String> all(String text, String regex) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /** The ENV instructions' variables, continuation lines included. */
    private static Map<String, String> env(String dockerfile) {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher block = Pattern.compile("(?m)^ENV ((?:.*\\\\\\n)*.*)$").matcher(dockerfile);
        while (block.find()) {
            Matcher pair = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)").matcher(block.group(1));
            while (pair.find()) {
                env.put(pair.group(1), pair.group(2).replace("\"", ""));
            }
        }
        return env;
    }

    /** Whether .dockerignore keeps {@code path} out of the context: "!" lines re-include; the last match wins. */
    private static boolean excluded(String path) throws IOException {
        boolean excluded = false;
        for (String line : Files.readAllLines(ROOT.resolve(".dockerignore"))) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean negate = line.startsWith("!");
            String pattern = (negate ? line.substring(1) : line).replaceAll("/$", "");
            PathMatcher matcher = ROOT.getFileSystem().getPathMatcher("glob:" + pattern);
            Path candidate = Path.of(path);
            // A pattern matches the path or any folder above it, as Docker's does.
            for (Path p = candidate; p != null; p = p.getParent()) {
                if (matcher.matches(p)) {
                    excluded = !negate;
                    break;
                }
            }
        }
        return excluded;
    }
}
