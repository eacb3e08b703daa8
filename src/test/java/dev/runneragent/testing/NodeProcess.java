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
    private final List<String> command;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private Process process;

    private NodeProcess(String name, List<String> command, Path dataDir, Path log, int port) {
        this.name = name;
        this.command = command;
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
            Files.deleteIfExists(log);
            NodeProcess node = new NodeProcess(name, List.copyOf(command), dataDir, log, port);
            node.launch();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch() {
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady();
    }

    /** Kills the node at once (SIGKILL), as a crash would; its data folder, port and log stay for {@link #restart}. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops the node as an orchestrator would (SIGTERM) and waits for it to exit, at most {@code within}; answers how
     * long it took. Its data folder, port and log stay for {@link #restart}.
     */
    public Duration terminate(Duration within) {
        long started = System.nanoTime();
        process.destroy();
        try {
            if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(name + " did not exit within " + within + " of SIGTERM: " + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** Starts the stopped node again on the same port, data folder and settings; answers once it is ready. */
    public NodeProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        launch();
        return this;
    }

    /** Whether {@code /q/health/ready} answers 200 now. */
    public boolean ready() {
        try {
            HttpURLConnection ready = (HttpURLConnection)
                    URI.create(url() + "/q/health/ready").toURL().openConnection();
            ready.setConnectTimeout(500);
            ready.setReadTimeout(2000);
            return ready.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** The node's data folder (its embedded store is {@code store.mv.db} there). */
    public Path dataDir() {
        return dataDir;
    }

    /** The node's whole log so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
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
            if (ready()) {
                return;
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

    /** Stops the node if it runs, and deletes its data folder. */
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
