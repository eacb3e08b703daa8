package dev.runneragent.contract;

import com.clarifai.channel.ClarifaiChannel;
import com.clarifai.channel.JsonChannel;
import com.clarifai.channel.http.ClarifaiHttpClient;
import com.clarifai.credentials.ClarifaiCallCredentials;
import com.clarifai.grpc.api.App;
import com.clarifai.grpc.api.Key;
import com.clarifai.grpc.api.MultiKeyResponse;
import com.clarifai.grpc.api.PostKeysRequest;
import com.clarifai.grpc.api.UserAppIDSet;
import com.clarifai.grpc.api.V2Grpc;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.testing.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;

/**
 * Clarifai's own Java client, the REST/JSON channel of clarifai-grpc ({@code V2Grpc} stubs on
 * {@code ClarifaiChannel.INSTANCE.getJsonChannel(new ClarifaiHttpClient.Default(url, okHttp))}), pointed at the
 * running test application. The client hides the HTTP exchange (it parses every body, whatever the status), so an
 * OkHttp interceptor records the last one for tests to assert: route, body and HTTP status.
 *
 * <p>Use from a {@code @QuarkusTest}:
 *
 * <pre>{@code
 * @TestHTTPResource("/")
 * URL app;
 *
 * ClarifaiClient clarifai;
 *
 * @BeforeEach
 * void connect() {
 *     clarifai = ClarifaiClient.at(app);
 * }
 * ...
 * MultiModelResponse models = clarifai.asAdmin().listModels(ListModelsRequest.newBuilder().setPerPage(10).build());
 * assertEquals(200, clarifai.last().status());
 * assertEquals("/v2/users/me/models", clarifai.last().path());
 * }</pre>
 *
 * <p>{@code ClarifaiChannel.INSTANCE} is a JVM-wide switch: {@code getJsonChannel} turns every {@code V2Grpc}
 * marshaller to JSON, for good once a method descriptor is built. Never mix this with a gRPC channel in one JVM.
 */
public final class ClarifaiClient {

    /** One HTTP exchange as it went over the wire; {@code query} and {@code body} are empty when absent. */
    public record Exchange(String method, String path, String query, String contentType, String body, int status) {}

    /** The default OkHttp read timeout (10 s) cannot wait for a long poll; this can. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    /** One connection pool and dispatcher for every client; each client adds its own recorder. */
    private static final OkHttpClient SHARED =
            new OkHttpClient.Builder().readTimeout(READ_TIMEOUT).build();

    private final JsonChannel channel;
    private final AtomicReference<Exchange> last = new AtomicReference<>();

    private ClarifaiClient(String baseUrl) {
        OkHttpClient okHttp = SHARED.newBuilder().addInterceptor(this::record).build();
        this.channel = ClarifaiChannel.INSTANCE.getJsonChannel(new ClarifaiHttpClient.Default(baseUrl, okHttp));
    }

    /** A client for the application at {@code appUrl} (inject it with {@code @TestHTTPResource("/")}). */
    public static ClarifaiClient at(URL appUrl) {
        String base = appUrl.toString();
        // The client appends "/v2/..." to the base URL as it is.
        return new ClarifaiClient(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    }

    /** A stub that calls as the test node's bootstrap user (a personal access token). */
    public V2Grpc.V2BlockingStub asAdmin() {
        return withKey(TestNode.ADMIN_KEY);
    }

    /**
     * A stub that sends {@code Authorization: Key <key>}. The JSON channel reads the key only from
     * {@link ClarifaiCallCredentials} in the call options: it ignores gRPC metadata, so header interceptors such as
     * {@code MetadataUtils.newAttachHeadersInterceptor} send nothing, and a stub without these credentials fails
     * with a NullPointerException before any request.
     */
    public V2Grpc.V2BlockingStub withKey(String key) {
        return V2Grpc.newBlockingStub(channel).withCallCredentials(new ClarifaiCallCredentials(key));
    }

    /** The last exchange of this client; fails when it has made none. */
    public Exchange last() {
        Exchange exchange = last.get();
        if (exchange == null) {
            throw new IllegalStateException("this client has not sent a request yet");
        }
        return exchange;
    }

    /** The HTTP status of the last exchange, which the client itself ignores. */
    public int lastStatus() {
        return last().status();
    }

    /**
     * Makes an app key for {@code appId} of the bootstrap user with {@code scopes} (and the scopes they depend on)
     * through PostKeys, and returns its secret, for tests that call as a limited key.
     */
    public String newAppKey(String appId, String description, String... scopes) {
        MultiKeyResponse answer = asAdmin()
                .postKeys(PostKeysRequest.newBuilder()
                        .addKeys(Key.newBuilder()
                                .setDescription(description)
                                .addAllScopes(List.of(scopes))
                                .addApps(App.newBuilder().setId(appId).setUserId(TestNode.ADMIN)))
                        .build());
        if (answer.getStatus().getCode() != StatusCode.SUCCESS || answer.getKeysCount() != 1) {
            throw new IllegalStateException("PostKeys failed: " + answer.getStatus());
        }
        return answer.getKeys(0).getId();
    }

    /** {@code user_app_id} for an app of the bootstrap user: the client then picks the app-scoped route. */
    public static UserAppIDSet adminApp(String appId) {
        return UserAppIDSet.newBuilder()
                .setUserId(TestNode.ADMIN)
                .setAppId(appId)
                .build();
    }

    private Response record(Interceptor.Chain chain) throws IOException {
        Request request = chain.request();
        Response response = chain.proceed(request);
        RequestBody body = request.body();
        last.set(new Exchange(
                request.method(),
                request.url().encodedPath(),
                request.url().query() == null ? "" : request.url().query(),
                body == null || body.contentType() == null
                        ? ""
                        : body.contentType().toString(),
                body == null ? "" : text(body),
                response.code()));
        return response;
    }

    private static String text(RequestBody body) {
        try (Buffer buffer = new Buffer()) {
            body.writeTo(buffer);
            return buffer.readUtf8();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
