package dev.runneragent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged node ({@code target/quarkus-app/quarkus-run.jar}, built by {@code ./mvnw package}) as a process of
 * its own on a free port, for integration tests that need real processes talking over real sockets. It has a data
 * folder of its own, an empty model folder, and the test nodes' bootstrap user and key; its log is kept in
 * {@code target/<name>.log}. Close it to stop it.
 */
public final class NodeProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final String name;
    private final Process process;
    private final Path dataDir;
    private final Path log;
    private final int port;

    private NodeProcess(String name, Process process, Path dataDir, Path log, int port) {
        this.name = name;
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
        this.port = port;
    }

    /** Starts a node named {@code name} with {@code properties} as system properties; answers once it is ready. */
    public static NodeProcess start(String name, Map<String, String> properties) {
        Path jar = Path.of(System.getProperty("runner.test.app", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw package (or verify) first");
        }
        try {
            Path dataDir = Files.createTempDirectory("runner-agent-" + name + "-");
            Path models = Files.createDirectories(dataDir.resolve("models"));
            Path log = Path.of("target", name + ".log");
            int port = freePort();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx512m");
            command.add("-Dquarkus.http.port=" + port);
            command.add("-Drunner.data-dir=" + dataDir);
            command.add("-Drunner.models.dir=" + models);
            command.add("-Drunner.auth.bootstrap-user=" + TestNode.ADMIN);
            command.add("-Drunner.auth.bootstrap-key=" + TestNode.ADMIN_KEY);
            properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.add("-jar");
            command.add(jar.toString());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            NodeProcess node = new NodeProcess(name, process, dataDir, log, port);
            node.awaitReady();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + tail());
            }
            try {
                HttpURLConnection ready = (HttpURLConnection)
                        URI.create(url() + "/q/health/ready").toURL().openConnection();
                ready.setConnectTimeout(500);
                ready.setReadTimeout(2000);
                if (ready.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            sleep(200);
        }
        close();
        throw new IllegalStateException(name + " was not ready within " + START_TIMEOUT + ": " + tail());
    }

    /** The end of the node's log, for failure messages. */
    public String tail() {
        try {
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 4000));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        TestNode.deleteTree(dataDir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
