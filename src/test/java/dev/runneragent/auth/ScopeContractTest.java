package dev.runneragent.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.EndpointDeps;
import com.clarifai.grpc.api.ListScopesRequest;
import com.clarifai.grpc.api.MultiScopeDepsResponse;
import com.clarifai.grpc.api.MultiScopeUserResponse;
import com.clarifai.grpc.api.MyScopesUserRequest;
import com.clarifai.grpc.api.Password;
import com.clarifai.grpc.api.PasswordViolations;
import com.clarifai.grpc.api.PostValidatePasswordRequest;
import com.clarifai.grpc.api.SinglePasswordValidationResponse;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.contract.ClarifaiClient;
import dev.runneragent.contract.ContractTest;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ListScopes, MyScopesUser and PostValidatePassword through Clarifai's Java client ({@code /v2/users/me/...}). */
@QuarkusTest
class ScopeContractTest extends ContractTest {

    private static final String POST_WORKFLOWS = "/clarifai.api.V2/PostWorkflows";
    private static final String LIST_KEYS = "/clarifai.api.V2/ListKeys";
    private static final String WEAK_PASSWORD = "password";
    private static final String SHORT_PASSWORD = "Ab1!";
    private static final String STRONG_PASSWORD = "Vq7#mZp2!Lw9";

    @Test
    void listsScopesForEachKeyType() {
        MultiScopeDepsResponse appKeys = admin.listScopes(
                ListScopesRequest.newBuilder().setKeyType("app_specific_key").build());
        assertEquals("/v2/users/me/scopes", clarifai.last().path());
        assertEquals("key_type=app_specific_key", clarifai.last().query());
        MultiScopeDepsResponse tokens = admin.listScopes(ListScopesRequest.newBuilder()
                .setKeyType("personal_access_token")
                .build());

        assertEquals(
                StatusCode.SUCCESS,
                appKeys.getStatus().getCode(),
                appKeys.getStatus().getDetails());
        assertTrue(
                endpoints(appKeys).contains(POST_WORKFLOWS), endpoints(appKeys).toString());
        assertFalse(endpoints(appKeys).contains(LIST_KEYS), "ListKeys takes only personal access tokens");
        EndpointDeps postWorkflows = appKeys.getEndpointDepsList().stream()
                .filter(deps -> deps.getEndpoint().equals(POST_WORKFLOWS))
                .findFirst()
                .orElseThrow();
        assertTrue(postWorkflows.getDependingScopesList().contains("Workflows:Add"), postWorkflows.toString());
        assertTrue(endpoints(tokens).contains(LIST_KEYS), endpoints(tokens).toString());
        assertTrue(tokens.getScopeDepsCount() > appKeys.getScopeDepsCount(), "tokens can be given every scope");
    }

    @Test
    void personalTokenHasEveryScopeAndEndpoint() {
        MultiScopeUserResponse mine = admin.myScopesUser(MyScopesUserRequest.getDefaultInstance());

        assertEquals("GET /v2/users/me/myscopes 200", exchange());
        assertEquals(
                StatusCode.SUCCESS, mine.getStatus().getCode(), mine.getStatus().getDetails());
        assertTrue(mine.getScopesList().containsAll(List.of(ScopeTable.ALL, "Workflows:Add", "Keys:Add")));
        assertTrue(mine.getEndpointsList().containsAll(List.of(POST_WORKFLOWS, LIST_KEYS)));
    }

    @Test
    void weakPasswordsNameTheirViolations() {
        SinglePasswordValidationResponse common = validate(WEAK_PASSWORD);
        assertEquals("POST /v2/users/me/validate_password 400", exchange());
        SinglePasswordValidationResponse tooShort = validate(SHORT_PASSWORD);

        assertEquals(StatusCode.PASSWORD_VALIDATION_FAILED, common.getStatus().getCode());
        assertEquals(
                PasswordViolations.newBuilder()
                        .setUpperCaseNeeded(true)
                        .setNumericNeeded(true)
                        .setNonAlphanumericNeeded(true)
                        .setNoCommonVocabs(true)
                        .build(),
                common.getPasswordViolations());
        assertEquals(StatusCode.PASSWORD_VALIDATION_FAILED, tooShort.getStatus().getCode());
        assertEquals(PasswordViolations.newBuilder().setMinimumLength(true).build(), tooShort.getPasswordViolations());
    }

    @Test
    void strongPasswordPasses() {
        SinglePasswordValidationResponse strong = validate(STRONG_PASSWORD);

        assertEquals("POST /v2/users/me/validate_password 200", exchange());
        assertEquals(StatusCode.PASSWORD_VALIDATION_SUCCESS, strong.getStatus().getCode());
        assertEquals(PasswordViolations.getDefaultInstance(), strong.getPasswordViolations());
    }

    private SinglePasswordValidationResponse validate(String plaintext) {
        return admin.postValidatePassword(PostValidatePasswordRequest.newBuilder()
                .setPassword(Password.newBuilder().setPlaintext(plaintext))
                .build());
    }

    private String exchange() {
        ClarifaiClient.Exchange last = clarifai.last();
        return last.method() + " " + last.path() + " " + last.status();
    }

    private static List<String> endpoints(MultiScopeDepsResponse answer) {
        return answer.getEndpointDepsList().stream()
                .map(EndpointDeps::getEndpoint)
                .toList();
    }
}
