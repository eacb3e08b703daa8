package dev.runneragent.workflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.testing.TestFiles;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
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

    private static UrlFetcher.FetchException refusal(UrlFetcher fetcher, String url) throws Exception {
        ExecutionException failed =
                assertThrows(ExecutionException.class, () -> fetcher.fetch(url).get(10, TimeUnit.SECONDS));
        return (UrlFetcher.FetchException) failed.getCause();
    }

    @Test
    void fetchesTheBytesAndFollowsRedirects() throws Exception {
        try (UrlFetcher fetcher = fetcher(true, List.of())) {
            assertArrayEquals(
                    new byte[] {1, 2, 3, 4},
                    fetcher.fetch(files.url("/small.bin")).get(10, TimeUnit.SECONDS));
            assertArrayEquals(
                    new byte[] {1, 2, 3, 4},
                    fetcher.fetch(files.url("/redirect/small.bin")).get(10, TimeUnit.SECONDS));
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
                    fetcher.fetch(files.url("/chunked/small.bin")).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aRedirectToARefusedAddressIsRefused() throws Exception {
        try (UrlFetcher fetcher = fetcher(true, List.of("127.0.0.2"))) {
            assertArrayEquals(
                    new byte[] {1, 2, 3, 4},
                    fetcher.fetch(files.url("/away/127.0.0.1/small.bin")).get(10, TimeUnit.SECONDS));
            UrlFetcher.FetchException refused = refusal(fetcher, files.url("/away/127.0.0.2/small.bin"));
            assertEquals(StatusCode.INPUT_INVALID_URL, refused.code());
            assertTrue(
                    refused.getMessage().contains("resolves to 127.0.0.2; it is in runner.workflow.url-deny-list"),
                    refused.getMessage());
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
