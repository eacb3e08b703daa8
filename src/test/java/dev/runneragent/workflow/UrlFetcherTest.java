package dev.runneragent.workflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fetching input URLs against a local HTTP server: schemes, the address policy, limits, redirects, timeouts. */
class UrlFetcherTest {

    private static Vertx vertx;
    private static TestFiles files;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        files = new TestFiles();
        files.put("/small.bin", new byte[] {1, 2, 3, 4});
        files.put("/big.bin", new byte[64 * 1024]);
    }

    @AfterAll
    static void stop() {
        files.close();
        vertx.close();
    }

    private static UrlFetcher fetcher(boolean allowPrivate, List<String> deny) {
        return new UrlFetcher(
                vertx, new AddressRules(allowPrivate, deny), 16 * 1024, Duration.ofMillis(500), Duration.ofMillis(800));
    }

    private static FetchBudget.Held unlimited() {
        return new FetchBudget(Long.MAX_VALUE).hold();
    }

    private static UrlFetcher.FetchException refusal(UrlFetcher fetcher, String url) throws Exception {
        ExecutionException failed = assertThrows(
                ExecutionException.class, () -> fetcher.fetch(url, unlimited()).get(10, TimeUnit.SECONDS));
        return (UrlFetcher.FetchException) failed.getCause();
    }

    @Test
    void fetchesTheBytesAndFollowsRedirects() throws Exception {
        try (UrlFetcher fetcher = fetcher(true, List.of())) {
            assertArrayEquals(
                    new byte[] {1, 2, 3, 4},
                    fetcher.fetch(files.url("/small.bin"), unlimited()).get(10, TimeUnit.SECONDS));
            assertArrayEquals(
                    new byte[] {1, 2, 3, 4},
                    fetcher.fetch(files.url("/redirect/small.bin"), unlimited()).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void privateAddressesAreRefusedUnlessAllowed() throws Exception {
        try (UrlFetcher fetcher = fetcher(false, List.of())) {
            UrlFetcher.FetchException refused = refusal(fetcher, files.url("/small.bin"));
            assertEquals(StatusCode.INPUT_INVALID_URL, refused.code());
            assertTrue(refused.getMessage().contains("127.0.0.1; it is a loopback address"), refused.getMessage());
            assertTrue(refused.getMessage().contains("runner.workflow.allow-private-urls"), refused.getMessage());
            assertEquals(
                    StatusCode.INPUT_INVALID_URL,
                    refusal(fetcher, files.url("/small.bin").replace("127.0.0.1", "localhost"))
                            .code());
        }
    }

    @Test
    void theDenyListHoldsEvenWhenPrivateAddressesAreAllowed() throws Exception {
        try (UrlFetcher fetcher = fetcher(true, List.of("10.0.0.0/8", "127.0.0.0/30"))) {
            UrlFetcher.FetchException refused = refusal(fetcher, files.url("/small.bin"));
            assertEquals(StatusCode.INPUT_INVALID_URL, refused.code());
            assertTrue(refused.getMessage().contains("url-deny-list (127.0.0.0/30)"), refused.getMessage());
        }
    }

    @Test
    void onlyHttpAndHttpsUrlsWithAHostAndNoCredentialsAreFetched() throws Exception {
        try (UrlFetcher fetcher = fetcher(true, List.of())) {
            for (String url : List.of(
                    "file:///etc/passwd",
                    "ftp://example.com/a.png",
                    "http:///no-host",
                    "http://user:secret@127.0.0.1/a",
                    "http://exa mple.com/",
                    "http://127.0.0.1:70000/a",
                    "http://127.0.0.1:0/a")) {
                UrlFetcher.FetchException refused = refusal(fetcher, url);
                assertEquals(StatusCode.INPUT_INVALID_URL, refused.code(), url + ": " + refused.getMessage());
            }
        }
    }

    @Test
    void failuresOfTheServerAreConnectionFailures() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (UrlFetcher fetcher = fetcher(true, List.of())) {
            UrlFetcher.FetchException missing = refusal(fetcher, files.url("/missing"));
            assertEquals(StatusCode.INPUT_CONNECTION_FAILED, missing.code());
            assertTrue(missing.getMessage().endsWith("answered HTTP 404"), missing.getMessage());
            UrlFetcher.FetchException refused = refusal(fetcher, "http://127.0.0.1:" + closedPort + "/a");
            assertEquals(StatusCode.INPUT_CONNECTION_FAILED, refused.code(), refused.getMessage());
        }
    }

    @Test
    void aBodyOverTheLimitAndASlowServerAreRefused() throws Exception {
        files.slowMillis(3_000);
        try (UrlFetcher fetcher = fetcher(true, List.of())) {
            UrlFetcher.FetchException big = refusal(fetcher, files.url("/big.bin"));
            assertEquals(StatusCode.INPUT_OVER_LIMIT, big.code());
            assertTrue(big.getMessage().contains("larger than 16384 bytes"), big.getMessage());

            long started = System.nanoTime();
            UrlFetcher.FetchException slow = refusal(fetcher, files.url("/slow/small.bin"));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals(StatusCode.INPUT_CONNECTION_FAILED, slow.code());
            assertTrue(slow.getMessage().contains("did not finish within 1300 ms"), slow.getMessage());
            assertTrue(tookMs < 2_500, "gave up at the deadline, not after the server's 3 s: " + tookMs);

            UrlFetcher.FetchException chunked = refusal(fetcher, files.url("/chunked/big.bin"));
            assertEquals(StatusCode.INPUT_OVER_LIMIT, chunked.code(), "counted as it arrives: " + chunked.getMessage());
            assertArrayEquals(
                    new byte[] {1, 2, 3, 4},
                    fetcher.fetch(files.url("/chunked/small.bin"), unlimited()).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aRedirectToARefusedAddressIsRefused() throws Exception {
        try (UrlFetcher fetcher = fetcher(true, List.of("127.0.0.2"))) {
            assertArrayEquals(
                    new byte[] {1, 2, 3, 4},
                    fetcher.fetch(files.url("/away/127.0.0.1/small.bin"), unlimited())
                            .get(10, TimeUnit.SECONDS));
            UrlFetcher.FetchException refused = refusal(fetcher, files.url("/away/127.0.0.2/small.bin"));
            assertEquals(StatusCode.INPUT_INVALID_URL, refused.code());
            assertTrue(
                    refused.getMessage().contains("resolves to 127.0.0.2; it is in runner.workflow.url-deny-list"),
                    refused.getMessage());
        }
    }

    @Test
    void fetchedBytesAreHeldWithinTheNodesBudgetUntilTheirRequestGivesThemBack() throws Exception {
        FetchBudget budget = new FetchBudget(6);
        try (UrlFetcher fetcher = fetcher(true, List.of())) {
            FetchBudget.Held first = budget.hold();
            assertArrayEquals(
                    new byte[] {1, 2, 3, 4},
                    fetcher.fetch(files.url("/small.bin"), first).get(10, TimeUnit.SECONDS));
            assertEquals(4, budget.used());

            FetchBudget.Held second = budget.hold();
            ExecutionException full = assertThrows(
                    ExecutionException.class,
                    () -> fetcher.fetch(files.url("/small.bin"), second).get(10, TimeUnit.SECONDS));
            UrlFetcher.FetchException refused = (UrlFetcher.FetchException) full.getCause();
            assertEquals(StatusCode.RPC_REQUEST_QUEUE_FULL, refused.code());
            assertTrue(refused.getMessage().contains("runner.workflow.max-fetched-bytes"), refused.getMessage());
            assertEquals(4, budget.used(), "the refused fetch holds nothing");

            first.close();
            assertEquals(0, budget.used());
            assertArrayEquals(
                    new byte[] {1, 2, 3, 4},
                    fetcher.fetch(files.url("/small.bin"), second).get(10, TimeUnit.SECONDS));
            second.close();
            assertEquals(0, budget.used());
        }
    }

    @Test
    void anHttpsServerWhoseCertificateIsNotTrustedIsAConnectionFailure() throws Exception {
        // A self-signed certificate for 127.0.0.1, made by the JDK's keytool: trusted by nobody.
        Path keyStore = Files.createTempDirectory("fetch-tls-").resolve("server.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-keystore",
                        keyStore.toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        "changeit",
                        "-keyalg",
                        "EC",
                        "-alias",
                        "server",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "SAN=ip:127.0.0.1")
                .redirectErrorStream(true)
                .start();
        assertEquals(0, keytool.waitFor(), new String(keytool.getInputStream().readAllBytes()));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                        .setSsl(true)
                        .setKeyCertOptions(
                                new PfxOptions().setPath(keyStore.toString()).setPassword("changeit")))
                .requestHandler(request -> request.response().end("secret"))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        // A first TLS handshake in a cold JVM takes longer than the other tests' 500 ms connect timeout.
        try (UrlFetcher fetcher = new UrlFetcher(
                vertx, new AddressRules(true, List.of()), 1024, Duration.ofSeconds(10), Duration.ofSeconds(10))) {
            UrlFetcher.FetchException refused =
                    refusal(fetcher, "https://127.0.0.1:" + server.actualPort() + "/image.png");
            assertEquals(StatusCode.INPUT_CONNECTION_FAILED, refused.code(), refused.getMessage());
            assertTrue(
                    refused.getMessage().matches("(?is).*(PKIX|certificat|handshake).*"),
                    "refused for its certificate: " + refused.getMessage());
        } finally {
            server.close();
            Files.delete(keyStore);
            Files.delete(keyStore.getParent());
        }
    }

    @Test
    void tooManyRedirectsAreRefused() throws Exception {
        try (UrlFetcher fetcher = fetcher(true, List.of())) {
            UrlFetcher.FetchException loop =
                    refusal(fetcher, files.url("/redirect/redirect/redirect/redirect/redirect/redirect/small.bin"));
            assertEquals(StatusCode.INPUT_CONNECTION_FAILED, loop.code());
            assertTrue(loop.getMessage().contains("redirected more than 5 times"), loop.getMessage());
        }
    }
}
