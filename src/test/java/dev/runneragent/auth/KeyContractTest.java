package dev.runneragent.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.App;
import com.clarifai.grpc.api.DeleteKeyRequest;
import com.clarifai.grpc.api.GetKeyRequest;
import com.clarifai.grpc.api.GetWorkflowRequest;
import com.clarifai.grpc.api.Key;
import com.clarifai.grpc.api.ListKeysRequest;
import com.clarifai.grpc.api.MultiKeyResponse;
import com.clarifai.grpc.api.MyScopesUserRequest;
import com.clarifai.grpc.api.PatchKeysRequest;
import com.clarifai.grpc.api.PostKeysRequest;
import com.clarifai.grpc.api.PostWorkflowsRequest;
import com.clarifai.grpc.api.SingleKeyResponse;
import com.clarifai.grpc.api.V2Grpc;
import com.clarifai.grpc.api.status.BaseResponse;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.contract.ClarifaiClient;
import dev.runneragent.contract.ContractTest;
import dev.runneragent.store.Db;
import dev.runneragent.store.Sql;
import dev.runneragent.testing.TestNode;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keys through Clarifai's Java client. The client routes PostKeys and PatchKeys to the user of
 * {@code keys[0].apps[0]} ({@code /v2/users/admin/keys}) and the other key RPCs to {@code /v2/users/me/keys}.
 */
@QuarkusTest
class KeyContractTest extends ContractTest {

    private static final String APP = "main";
    private static final String WORKFLOWS_GET = "Workflows:Get";

    /** What GetWorkflow needs (cl_depending_scopes of clarifai-grpc 10.3.3). */
    private static final String[] READ_WORKFLOWS = {WORKFLOWS_GET, "Apps:Get", "Models:Get"};

    private static final String MISSING = "contract-no-such-workflow";
    private static final Pattern SECRET = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern MASKED = Pattern.compile("[0-9a-f]{16}\\*{16}");
    private static final int ALL_KEYS = 1000;

    @Inject
    Db db;

    @Inject
    KeyStore keyStore;

    @Test
    void postsAppKeyToTheUserOfItsApp() {
        MultiKeyResponse posted = admin.postKeys(PostKeysRequest.newBuilder()
                .addKeys(appKey("contract app key", READ_WORKFLOWS))
                .build());

        assertEquals(
                "POST /v2/users/admin/keys",
                clarifai.last().method() + " " + clarifai.last().path());
        assertEquals(
                StatusCode.SUCCESS,
                posted.getStatus().getCode(),
                posted.getStatus().getDetails());
        Key key = posted.getKeys(0);
        assertTrue(SECRET.matcher(key.getId()).matches(), key.getId());
        assertEquals("api_key", key.getType());
        assertTrue(
                key.getScopesList().containsAll(List.of(READ_WORKFLOWS)),
                key.getScopesList().toString());
        assertEquals(
                List.of(App.newBuilder().setId(APP).setUserId(TestNode.ADMIN).build()), key.getAppsList());
        V2Grpc.V2BlockingStub withNewKey = clarifai.withKey(key.getId());
        StatusCode lookup = withNewKey
                .getWorkflow(
                        GetWorkflowRequest.newBuilder().setWorkflowId(MISSING).build())
                .getStatus()
                .getCode();
        assertEquals(StatusCode.WORKFLOW_DOES_NOT_EXIST, lookup, "the new key authenticates and may read");
        StatusCode write = withNewKey
                .postWorkflows(PostWorkflowsRequest.getDefaultInstance())
                .getStatus()
                .getCode();
        assertEquals(StatusCode.CONN_INSUFFICIENT_SCOPES, write, "the new key may not write");
    }

    @Test
    void postsPersonalAccessTokenOnMeRoute() {
        MultiKeyResponse posted = admin.postKeys(PostKeysRequest.newBuilder()
                .addKeys(Key.newBuilder().setType("personal_access_token").setDescription("contract token"))
                .build());

        assertEquals("/v2/users/me/keys", clarifai.last().path());
        assertEquals(
                StatusCode.SUCCESS,
                posted.getStatus().getCode(),
                posted.getStatus().getDetails());
        assertEquals(List.of(ScopeTable.ALL), posted.getKeys(0).getScopesList());
        MultiKeyResponse listed = clarifai.withKey(posted.getKeys(0).getId())
                .listKeys(ListKeysRequest.newBuilder().setPerPage(ALL_KEYS).build());
        assertEquals(
                StatusCode.SUCCESS,
                listed.getStatus().getCode(),
                listed.getStatus().getDetails());
        assertTrue(
                descriptions(listed).contains("contract token"),
                descriptions(listed).toString());
    }

    @Test
    void listsOnlyUnexpiredKeysWhenAsked() {
        Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
        postKey(appKey("contract expiring tomorrow", WORKFLOWS_GET).setExpiresAt(Sql.timestamp(tomorrow)));
        storeExpiredKey("contract expired yesterday");

        // Only scalar filters: the client cannot put a repeated field (ListKeys.scopes, .endpoints) in a query; it
        // throws "Cannot convert type for get params: class JsonArray" before sending anything.
        MultiKeyResponse current = admin.listKeys(ListKeysRequest.newBuilder()
                .setNotExpired(true)
                .setPerPage(ALL_KEYS)
                .build());
        assertEquals("/v2/users/me/keys", clarifai.last().path());
        assertTrue(
                clarifai.last().query().contains("not_expired=true"),
                clarifai.last().query());
        MultiKeyResponse all =
                admin.listKeys(ListKeysRequest.newBuilder().setPerPage(ALL_KEYS).build());

        assertEquals(
                StatusCode.SUCCESS,
                current.getStatus().getCode(),
                current.getStatus().getDetails());
        assertTrue(
                descriptions(current).contains("contract expiring tomorrow"),
                descriptions(current).toString());
        assertFalse(
                descriptions(current).contains("contract expired yesterday"),
                descriptions(current).toString());
        assertTrue(
                descriptions(all).contains("contract expired yesterday"),
                descriptions(all).toString());
        all.getKeysList().forEach(key -> assertTrue(MASKED.matcher(key.getId()).matches(), key.getId()));
    }

    @Test
    void getsKeyMaskedBySecretOrMaskedId() {
        Key posted = postKey(appKey("contract get", WORKFLOWS_GET));

        SingleKeyResponse bySecret =
                admin.getKey(GetKeyRequest.newBuilder().setKeyId(posted.getId()).build());
        assertEquals("/v2/users/me/keys/" + posted.getId(), clarifai.last().path());
        SingleKeyResponse byMaskedId = admin.getKey(
                GetKeyRequest.newBuilder().setKeyId(bySecret.getKey().getId()).build());

        assertEquals(
                StatusCode.SUCCESS,
                bySecret.getStatus().getCode(),
                bySecret.getStatus().getDetails());
        assertTrue(
                MASKED.matcher(bySecret.getKey().getId()).matches(),
                bySecret.getKey().getId());
        assertEquals(posted.toBuilder().setId(bySecret.getKey().getId()).build(), bySecret.getKey());
        assertEquals(bySecret.getKey(), byMaskedId.getKey());
    }

    @Test
    void patchOverwritesDescriptionAndScopes() {
        Key posted = postKey(appKey("contract before patch", WORKFLOWS_GET));
        String masked = getKey(posted.getId()).getId();

        MultiKeyResponse patched = admin.patchKeys(PatchKeysRequest.newBuilder()
                .setAction("overwrite")
                .addKeys(appKey("contract after patch", WORKFLOWS_GET, "Workflows:Add")
                        .setId(masked))
                .build());

        assertEquals(
                "PATCH /v2/users/admin/keys",
                clarifai.last().method() + " " + clarifai.last().path());
        assertEquals(
                StatusCode.SUCCESS,
                patched.getStatus().getCode(),
                patched.getStatus().getDetails());
        Key read = getKey(masked);
        assertEquals("contract after patch", read.getDescription());
        assertTrue(
                read.getScopesList().contains("Workflows:Add"),
                read.getScopesList().toString());
        assertFalse(
                posted.getScopesList().contains("Workflows:Add"),
                posted.getScopesList().toString());
        assertEquals(masked, patched.getKeys(0).getId());
    }

    @Test
    void deletedKeyIsGoneAndNoLongerAuthenticates() {
        Key posted = postKey(appKey("contract deleted", WORKFLOWS_GET));
        String masked = getKey(posted.getId()).getId();

        BaseResponse deleted =
                admin.deleteKey(DeleteKeyRequest.newBuilder().setKeyId(masked).build());

        assertEquals("DELETE /v2/users/me/keys/" + masked + " {}", exchange());
        assertEquals(
                StatusCode.SUCCESS,
                deleted.getStatus().getCode(),
                deleted.getStatus().getDetails());
        SingleKeyResponse gone =
                admin.getKey(GetKeyRequest.newBuilder().setKeyId(masked).build());
        assertEquals(StatusCode.CONN_DOES_NOT_EXIST, gone.getStatus().getCode());
        assertEquals(404, clarifai.lastStatus());
        StatusCode withDeletedKey = clarifai.withKey(posted.getId())
                .myScopesUser(MyScopesUserRequest.getDefaultInstance())
                .getStatus()
                .getCode();
        assertEquals(StatusCode.CONN_KEY_NOT_FOUND, withDeletedKey);
        assertEquals(401, clarifai.lastStatus());
    }

    private static Key.Builder appKey(String description, String... scopes) {
        return Key.newBuilder()
                .setDescription(description)
                .addAllScopes(List.of(scopes))
                .addApps(App.newBuilder().setId(APP).setUserId(TestNode.ADMIN));
    }

    private Key postKey(Key.Builder key) {
        MultiKeyResponse posted =
                admin.postKeys(PostKeysRequest.newBuilder().addKeys(key).build());
        assertEquals(
                StatusCode.SUCCESS,
                posted.getStatus().getCode(),
                posted.getStatus().getDetails());
        return posted.getKeys(0);
    }

    private Key getKey(String keyId) {
        SingleKeyResponse answer =
                admin.getKey(GetKeyRequest.newBuilder().setKeyId(keyId).build());
        assertEquals(
                StatusCode.SUCCESS,
                answer.getStatus().getCode(),
                answer.getStatus().getDetails());
        return answer.getKey();
    }

    /** A key that expired yesterday: PostKeys refuses past expiry times, so it goes into the store directly. */
    private void storeExpiredKey(String description) {
        ExpiredKeys.insert(TestNode.ADMIN, APP, description, WORKFLOWS_GET);
    }

    private String exchange() {
        ClarifaiClient.Exchange last = clarifai.last();
        return last.method() + " " + last.path() + " " + last.body();
    }

    private static List<String> descriptions(MultiKeyResponse answer) {
        return answer.getKeysList().stream().map(Key::getDescription).toList();
    }
}
