package dev.runneragent.catalog;

import static dev.runneragent.catalog.CatalogContractTest.TOO_MANY;
import static dev.runneragent.catalog.CatalogContractTest.assertSuccess;
import static dev.runneragent.catalog.CatalogContractTest.assertTooLargePage;
import static dev.runneragent.catalog.CatalogContractTest.sent;
import static dev.runneragent.catalog.CatalogContractTest.time;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.App;
import com.clarifai.grpc.api.AppDuplication;
import com.clarifai.grpc.api.AppDuplicationFilters;
import com.clarifai.grpc.api.Collaboration;
import com.clarifai.grpc.api.GetAppDuplicationRequest;
import com.clarifai.grpc.api.ListAppDuplicationsRequest;
import com.clarifai.grpc.api.ListCollaborationsRequest;
import com.clarifai.grpc.api.ListModulesRequest;
import com.clarifai.grpc.api.Module;
import com.clarifai.grpc.api.ModuleVersion;
import com.clarifai.grpc.api.MultiAppDuplicationsResponse;
import com.clarifai.grpc.api.MultiCollaborationsResponse;
import com.clarifai.grpc.api.MultiModuleResponse;
import com.clarifai.grpc.api.SingleAppDuplicationResponse;
import com.clarifai.grpc.api.User;
import com.clarifai.grpc.api.V2Grpc;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.protobuf.BoolValue;
import dev.runneragent.contract.ContractTest;
import dev.runneragent.testing.TestNode;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ListModules, ListCollaborations, ListAppDuplications and GetAppDuplication through Clarifai's Java client: the
 * catalog RPCs that take only a personal access token ({@code cl_auth_type} PATAuth or SessionTokenAuth). Their
 * data is the admin's part of {@code src/test/resources/catalog/import.json}. As in {@link CatalogContractTest},
 * only scalar parameters: {@code additional_fields} is repeated and the client cannot send it in a query.
 */
@QuarkusTest
class CatalogPersonalContractTest extends ContractTest {

    static final String IMAGE_TOOLS = "image-tools";
    static final String LABELER = "labeler";
    static final String ZOO = "zoo";

    static final String SHARED_APP = "shared-app";
    static final String TEAM_APP = "team-app";
    static final String BOB = "bob";

    static final String DUP_1 = "dup-1";
    static final String DUP_2 = "dup-2";
    static final String BOBS_DUPLICATION = "dup-bob";
    static final String MISSING_DUPLICATION = "contract-no-such-duplication";

    static final String MAIN_APP = "main";
    /** Every scope: an app key with it is still refused, so the refusal is about the key type alone. */
    static final String ALL_SCOPES = "All";

    @Test
    void listsOwnModulesLatestModifiedFirstWithoutBookmarks() {
        MultiModuleResponse answer = admin.listModules(ListModulesRequest.getDefaultInstance());

        assertEquals("GET /v2/users/me/modules 200", sent(clarifai));
        assertSuccess(answer.getStatus());
        assertEquals(List.of(IMAGE_TOOLS, ZOO, LABELER), moduleIds(answer));
        assertEquals(
                Module.newBuilder()
                        .setId(LABELER)
                        .setAppId("studio")
                        .setUserId(TestNode.ADMIN)
                        .setDescription("Labeling UI")
                        .setModuleVersion(
                                ModuleVersion.newBuilder().setId("lv1").setNotes("Annotate fast"))
                        .setCreatedAt(time("2024-02-01T00:00:00Z"))
                        .setModifiedAt(time("2024-02-15T00:00:00Z"))
                        .build(),
                answer.getModules(2),
                "the imported module, without isStarred/starCount (no additional_fields)");
    }

    @Test
    void pagesModulesSortedByIdBothWays() {
        MultiModuleResponse descending = admin.listModules(ListModulesRequest.newBuilder()
                .setPage(1)
                .setPerPage(2)
                .setSortById(true)
                .build());
        assertEquals("GET /v2/users/me/modules?page=1&per_page=2&sort_by_id=true 200", sent(clarifai));
        MultiModuleResponse ascendingSecondPage = admin.listModules(ListModulesRequest.newBuilder()
                .setPage(2)
                .setPerPage(2)
                .setSortById(true)
                .setSortAscending(true)
                .build());
        assertEquals(
                "GET /v2/users/me/modules?page=2&per_page=2&sort_ascending=true&sort_by_id=true 200", sent(clarifai));

        assertEquals(List.of(ZOO, LABELER), moduleIds(descending));
        assertEquals(List.of(ZOO), moduleIds(ascendingSecondPage));
    }

    @Test
    void searchFindsModuleByItsVersionNotes() {
        MultiModuleResponse answer = admin.listModules(
                ListModulesRequest.newBuilder().setSearch("annotate").build());

        assertEquals("GET /v2/users/me/modules?search=annotate 200", sent(clarifai));
        assertSuccess(answer.getStatus());
        assertEquals(List.of(LABELER), moduleIds(answer));
    }

    @Test
    void refusesTooLargeModulePage() {
        MultiModuleResponse answer = admin.listModules(
                ListModulesRequest.newBuilder().setPerPage(TOO_MANY).build());

        assertEquals("GET /v2/users/me/modules?per_page=1001 400", sent(clarifai));
        assertTooLargePage(StatusCode.MODULE_INVALID_ARGUMENT, answer.getStatus());
        assertEquals(0, answer.getModulesCount());
    }

    @Test
    void listsCollaborationsNewestFirst() {
        MultiCollaborationsResponse answer = admin.listCollaborations(ListCollaborationsRequest.getDefaultInstance());

        assertEquals("GET /v2/users/me/collaborations 200", sent(clarifai));
        assertSuccess(answer.getStatus());
        assertEquals(List.of(TEAM_APP, SHARED_APP), collaborationAppIds(answer));
        assertEquals(sharedApp(), answer.getCollaborations(1));
    }

    @Test
    void templateOnlyKeepsTheTemplateApp() {
        MultiCollaborationsResponse answer = admin.listCollaborations(
                ListCollaborationsRequest.newBuilder().setTemplateOnly(true).build());

        assertEquals("GET /v2/users/me/collaborations?template_only=true 200", sent(clarifai));
        assertSuccess(answer.getStatus());
        assertEquals(List.of(sharedApp()), answer.getCollaborationsList());
    }

    @Test
    void pagesCollaborations() {
        MultiCollaborationsResponse second = admin.listCollaborations(
                ListCollaborationsRequest.newBuilder().setPage(2).setPerPage(1).build());

        assertEquals("GET /v2/users/me/collaborations?page=2&per_page=1 200", sent(clarifai));
        assertSuccess(second.getStatus());
        assertEquals(List.of(SHARED_APP), collaborationAppIds(second));
    }

    @Test
    void refusesTooLargeCollaborationPage() {
        MultiCollaborationsResponse answer = admin.listCollaborations(
                ListCollaborationsRequest.newBuilder().setPerPage(TOO_MANY).build());

        assertEquals("GET /v2/users/me/collaborations?per_page=1001 400", sent(clarifai));
        assertTooLargePage(StatusCode.BAD_REQUEST, answer.getStatus());
        assertEquals(0, answer.getCollaborationsCount());
    }

    @Test
    void listsAppDuplicationsNewestFirstAndPages() {
        MultiAppDuplicationsResponse all = admin.listAppDuplications(ListAppDuplicationsRequest.getDefaultInstance());
        assertEquals("GET /v2/users/me/duplications 200", sent(clarifai));
        MultiAppDuplicationsResponse second = admin.listAppDuplications(
                ListAppDuplicationsRequest.newBuilder().setPage(2).setPerPage(1).build());
        assertEquals("GET /v2/users/me/duplications?page=2&per_page=1 200", sent(clarifai));

        assertSuccess(all.getStatus());
        assertEquals(List.of(DUP_2, DUP_1), duplicationIds(all), "bob's duplication is not the admin's");
        assertSuccess(second.getStatus());
        assertEquals(List.of(firstDuplication()), second.getAppDuplicationsList());
    }

    @Test
    void refusesTooLargeAppDuplicationPage() {
        MultiAppDuplicationsResponse answer = admin.listAppDuplications(
                ListAppDuplicationsRequest.newBuilder().setPerPage(TOO_MANY).build());

        assertEquals("GET /v2/users/me/duplications?per_page=1001 400", sent(clarifai));
        assertTooLargePage(StatusCode.APP_DUPLICATION_INVALID_REQUEST, answer.getStatus());
        assertEquals(0, answer.getAppDuplicationsCount());
    }

    @Test
    void getsAppDuplicationById() {
        SingleAppDuplicationResponse answer = getDuplication(DUP_1);

        assertEquals("GET /v2/users/me/duplications/" + DUP_1 + " 200", sent(clarifai));
        assertSuccess(answer.getStatus());
        assertEquals(firstDuplication(), answer.getAppDuplication());
    }

    @Test
    void unknownOrAnotherUsersAppDuplicationIsNotFound() {
        SingleAppDuplicationResponse unknown = getDuplication(MISSING_DUPLICATION);
        assertEquals("GET /v2/users/me/duplications/" + MISSING_DUPLICATION + " 404", sent(clarifai));
        SingleAppDuplicationResponse bobs = getDuplication(BOBS_DUPLICATION);
        assertEquals("GET /v2/users/me/duplications/" + BOBS_DUPLICATION + " 404", sent(clarifai));

        assertNotFound(MISSING_DUPLICATION, unknown);
        assertNotFound(BOBS_DUPLICATION, bobs);
    }

    @Test
    void appKeyCannotCallPersonalTokenRpcs() {
        V2Grpc.V2BlockingStub appKey =
                clarifai.withKey(clarifai.newAppKey(MAIN_APP, "catalog contract app key", ALL_SCOPES));

        MultiModuleResponse modules = appKey.listModules(ListModulesRequest.getDefaultInstance());
        assertEquals("GET /v2/users/me/modules 403", sent(clarifai));
        MultiCollaborationsResponse collaborations =
                appKey.listCollaborations(ListCollaborationsRequest.getDefaultInstance());
        assertEquals("GET /v2/users/me/collaborations 403", sent(clarifai));
        MultiAppDuplicationsResponse duplications =
                appKey.listAppDuplications(ListAppDuplicationsRequest.getDefaultInstance());
        assertEquals("GET /v2/users/me/duplications 403", sent(clarifai));

        assertPersonalTokenOnly("ListModules", modules.getStatus());
        assertEquals(0, modules.getModulesCount());
        assertPersonalTokenOnly("ListCollaborations", collaborations.getStatus());
        assertEquals(0, collaborations.getCollaborationsCount());
        assertPersonalTokenOnly("ListAppDuplications", duplications.getStatus());
        assertEquals(0, duplications.getAppDuplicationsCount());
    }

    private SingleAppDuplicationResponse getDuplication(String id) {
        return admin.getAppDuplication(
                GetAppDuplicationRequest.newBuilder().setAppDuplicationId(id).build());
    }

    private static void assertNotFound(String id, SingleAppDuplicationResponse answer) {
        assertEquals(
                StatusCode.CONN_DOES_NOT_EXIST,
                answer.getStatus().getCode(),
                answer.getStatus().getDetails());
        assertTrue(
                answer.getStatus().getDetails().contains(id), answer.getStatus().getDetails());
        assertFalse(answer.hasAppDuplication(), answer.toString());
    }

    private static void assertPersonalTokenOnly(String rpc, Status status) {
        assertEquals(StatusCode.CONN_INSUFFICIENT_SCOPES, status.getCode(), status.getDetails());
        assertTrue(status.getDetails().contains(rpc), status.getDetails());
        assertTrue(status.getDetails().contains("personal access token"), status.getDetails());
    }

    /** The import file's template collaboration, as the list must give it back. */
    private static Collaboration sharedApp() {
        return Collaboration.newBuilder()
                .setApp(App.newBuilder()
                        .setId(SHARED_APP)
                        .setUserId(BOB)
                        .setName("Shared app")
                        .setIsTemplate(BoolValue.of(true)))
                .setAppOwner(User.newBuilder().setId(BOB))
                .addScopes(ALL_SCOPES)
                .setCreatedAt(time("2024-02-01T00:00:00Z"))
                .build();
    }

    /** The import file's {@code dup-1}, as the list and GetAppDuplication must give it back. */
    private static AppDuplication firstDuplication() {
        return AppDuplication.newBuilder()
                .setId(DUP_1)
                .setDestinationApp(App.newBuilder().setId("main-copy"))
                .setStatus(Status.newBuilder().setCode(StatusCode.APP_DUPLICATION_SUCCESS))
                .setFilter(
                        AppDuplicationFilters.newBuilder().setCopyInputs(true).setCopyConcepts(true))
                .setCreatedAt(time("2024-01-01T00:00:00Z"))
                .build();
    }

    private static List<String> moduleIds(MultiModuleResponse answer) {
        return answer.getModulesList().stream().map(Module::getId).toList();
    }

    private static List<String> collaborationAppIds(MultiCollaborationsResponse answer) {
        return answer.getCollaborationsList().stream()
                .map(c -> c.getApp().getId())
                .toList();
    }

    private static List<String> duplicationIds(MultiAppDuplicationsResponse answer) {
        return answer.getAppDuplicationsList().stream()
                .map(AppDuplication::getId)
                .toList();
    }
}
