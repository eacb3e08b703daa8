package dev.runneragent.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.AppDuplication;
import com.clarifai.grpc.api.Dataset;
import dev.runneragent.catalog.CatalogImport.CatalogImportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the catalog import file: what it yields, and how a bad file is reported. */
class CatalogImportTest {

    static final Instant LOADED_AT = Instant.parse("2024-06-01T12:00:00Z");
    static final Path TEST_IMPORT = Path.of("src/test/resources/catalog/import.json");

    @TempDir
    Path dir;

    @Test
    void readsTheTestImportFile() {
        List<CatalogEntry<?>> entries = CatalogImport.read(TEST_IMPORT, LOADED_AT);

        assertEquals(16, entries.size());
        CatalogEntry<?> cats = find(entries, CatalogKind.DATASET, "admin", "cats");
        assertEquals("pets", ((Dataset) cats.message()).getAppId());
        assertEquals("admin", ((Dataset) cats.message()).getUserId());
        assertEquals(Instant.parse("2024-02-10T00:00:00Z"), cats.createdAt());
        assertEquals(CatalogEntry.FROM_IMPORT, cats.source());
        assertEquals(
                "bob/shared-app",
                find(entries, CatalogKind.COLLABORATION, "admin", "bob/shared-app")
                        .id());
        CatalogEntry<?> bobs = find(entries, CatalogKind.APP_DUPLICATION, "bob", "dup-bob");
        assertEquals(
                "bob-app", ((AppDuplication) bobs.message()).getDestinationApp().getId());
    }

    @Test
    void evaluationWithoutModelVersionTimeGetsTheLoadTime() throws IOException {
        Path file = write("{\"users\":{\"alice\":{\"evaluations\":[{\"id\":\"e1\"}]}}}");

        assertEquals(LOADED_AT, CatalogImport.read(file, LOADED_AT).get(0).createdAt());
    }

    @Test
    void acceptsSnakeCaseSectionAndFields() throws IOException {
        Path file = write("{\"users\":{\"alice\":{\"app_duplications\":[{\"id\":\"d1\","
                + "\"destination_app\":{\"id\":\"copy\"}}]}}}");

        AppDuplication duplication =
                (AppDuplication) CatalogImport.read(file, LOADED_AT).get(0).message();
        assertEquals("copy", duplication.getDestinationApp().getId());
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.json");

        CatalogImportException e =
                assertThrows(CatalogImportException.class, () -> CatalogImport.read(missing, LOADED_AT));

        assertTrue(e.getMessage().contains(missing.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void syntaxErrorNamesFileAndPosition() throws IOException {
        Path file = write("{\"users\": {\"alice\": {\"modules\": [}}}");

        String message = failure(file);

        assertTrue(message.contains(file.toAbsolutePath().toString()), message);
        assertTrue(message.contains("not valid JSON"), message);
        assertTrue(message.contains("line 1"), message);
    }

    @Test
    void wrongValueNamesTheElementPath() throws IOException {
        Path file = write("{\"users\": {\"alice\": {\"modules\": [{\"id\":\"a\"}, {\"id\":\"b\"},"
                + " {\"id\":\"c\", \"starCount\": \"many\"}]}}}");

        String message = failure(file);

        assertTrue(message.contains(file.toAbsolutePath().toString()), message);
        assertTrue(message.contains("users.alice.modules[2]"), message);
        assertTrue(message.contains("not a valid Module"), message);
    }

    @Test
    void elementWithoutIdNamesThePath() throws IOException {
        Path file = write("{\"users\": {\"alice\": {\"datasets\": [{\"description\": \"no id\"}]}}}");

        assertTrue(failure(file).contains("users.alice.datasets[0]: needs an id"));
    }

    @Test
    void collaborationNeedsItsAppOwner() throws IOException {
        Path file = write("{\"users\": {\"alice\": {\"collaborations\": [{\"app\": {\"id\": \"shared\"}}]}}}");

        assertTrue(failure(file).contains("users.alice.collaborations[0]: needs app.userId"));
    }

    @Test
    void duplicateIdNamesBothElements() throws IOException {
        Path file = write("{\"users\": {\"alice\": {\"appDuplications\": [{\"id\": \"d1\"}, {\"id\": \"d2\"},"
                + " {\"id\": \"d1\"}]}}}");

        String message = failure(file);

        assertTrue(message.contains("users.alice.appDuplications[2]"), message);
        assertTrue(message.contains("duplicate app-duplication id 'd1'"), message);
        assertTrue(message.contains("also at users.alice.appDuplications[0]"), message);
    }

    @Test
    void sameIdForDifferentUsersOrKindsIsFine() throws IOException {
        Path file = write("{\"users\": {\"alice\": {\"datasets\": [{\"id\": \"x\"}], \"modules\": [{\"id\": \"x\"}]},"
                + " \"bob\": {\"datasets\": [{\"id\": \"x\"}]}}}");

        assertEquals(3, CatalogImport.read(file, LOADED_AT).size());
    }

    @Test
    void unknownSectionIsNamed() throws IOException {
        Path file = write("{\"users\": {\"alice\": {\"evaluation\": []}}}");

        String message = failure(file);

        assertTrue(message.contains("users.alice.evaluation: unknown section"), message);
    }

    @Test
    void wrongShapesAreNamed() throws IOException {
        assertTrue(failure(write("[]")).contains("the top level: expected a JSON object"));
        assertTrue(failure(write("{\"people\": {}}")).contains("unknown top-level key 'people'"));
        assertTrue(failure(write("{\"users\": []}")).contains("users: expected a JSON object"));
        assertTrue(failure(write("{\"users\": {\"alice\": {\"modules\": {}}}}"))
                .contains("users.alice.modules: expected a JSON array"));
        assertTrue(failure(write("{\"users\": {\"alice\": {\"modules\": [null]}}}"))
                .contains("users.alice.modules[0]: expected a JSON object, found null"));
    }

    @Test
    void reservedUserIdsAreRefused() throws IOException {
        assertTrue(failure(write("{\"users\": {\"*\": {}}}")).contains("users.*: '*' is not a user id"));
        assertTrue(failure(write("{\"users\": {\"me\": {}}}")).contains("users.me: 'me' is not a user id"));
    }

    private String failure(Path file) {
        return assertThrows(CatalogImportException.class, () -> CatalogImport.read(file, LOADED_AT))
                .getMessage();
    }

    private Path write(String json) throws IOException {
        Path file = Files.createTempFile(dir, "import-", ".json");
        Files.writeString(file, json);
        return file;
    }

    private static CatalogEntry<?> find(List<CatalogEntry<?>> entries, CatalogKind<?> kind, String owner, String id) {
        return entries.stream()
                .filter(e -> e.kind() == kind && e.ownerId().equals(owner) && e.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind.name() + " " + owner + "/" + id));
    }
}
