package dev.runneragent.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.Module;
import dev.runneragent.store.StoreException;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The catalog table on the embedded store (and, in {@link CatalogStorePostgresTest}, on PostgreSQL). The tests use
 * sources and a user of their own, so the catalog the node loaded at start stays as it was.
 */
@QuarkusTest
class CatalogStoreTest {

    static final String SOURCE_A = "store-test-a";
    static final String SOURCE_B = "store-test-b";
    static final List<String> TEST_SOURCES = List.of(SOURCE_A, SOURCE_B);
    static final String USER = "store-test-user";
    static final String OTHER_USER = "store-test-other";
    static final Instant CREATED = Instant.parse("2024-02-03T04:05:06Z");

    @Inject
    CatalogStore store;

    @Inject
    CatalogLoader loader;

    @AfterEach
    void removeTestEntries() {
        store.replace(TEST_SOURCES, List.of());
    }

    @Test
    void replaceSwapsTheGivenSourcesOnly() {
        store.replace(List.of(SOURCE_B), List.of(module(USER, "kept", SOURCE_B)));
        store.replace(List.of(SOURCE_A), List.of(module(USER, "old", SOURCE_A)));

        store.replace(List.of(SOURCE_A), List.of(module(USER, "new", SOURCE_A)));

        assertEquals(List.of("kept", "new"), ids(store.visibleTo(CatalogKind.MODULE, USER)));
    }

    @Test
    void userSeesOwnAndNodeWideEntriesOnly() {
        store.replace(
                List.of(SOURCE_A),
                List.of(
                        module(USER, "mine", SOURCE_A),
                        module(OTHER_USER, "theirs", SOURCE_A),
                        module(CatalogEntry.NODE_WIDE, "everyones", SOURCE_A)));

        List<CatalogEntry<Module>> visible = store.visibleTo(CatalogKind.MODULE, USER);

        assertEquals(List.of("everyones", "mine"), ids(visible));
        assertEquals(
                List.of(CatalogEntry.NODE_WIDE, USER),
                visible.stream().map(CatalogEntry::ownerId).toList());
    }

    @Test
    void storesMessageSourceAndCreationTime() {
        store.replace(List.of(SOURCE_A), List.of(module(USER, "round-trip", SOURCE_A)));

        CatalogEntry<Module> found =
                store.find(CatalogKind.MODULE, USER, "round-trip").orElseThrow();

        assertEquals("round-trip described", found.message().getDescription());
        assertEquals(SOURCE_A, found.source());
        assertEquals(CREATED, found.createdAt());
        assertTrue(store.find(CatalogKind.MODULE, OTHER_USER, "round-trip").isEmpty());
        assertTrue(store.find(CatalogKind.DATASET, USER, "round-trip").isEmpty());
    }

    @Test
    void failedReplaceChangesNothing() {
        store.replace(List.of(SOURCE_A), List.of(module(USER, "before", SOURCE_A)));

        assertThrows(
                StoreException.DuplicateKeyException.class,
                () -> store.replace(
                        List.of(SOURCE_A), List.of(module(USER, "twice", SOURCE_A), module(USER, "twice", SOURCE_A))));

        assertEquals(List.of("before"), ids(store.visibleTo(CatalogKind.MODULE, USER)));
    }

    @Test
    void refusesEntryOfAnotherSource() {
        assertThrows(
                IllegalArgumentException.class,
                () -> store.replace(List.of(SOURCE_A), List.of(module(USER, "stray", SOURCE_B))));
    }

    @Test
    void startLoadedTheModelFolderAndTheImportFile() {
        CatalogEntry<?> model = store.find(CatalogKind.MODEL, CatalogEntry.NODE_WIDE, "colour-classifier")
                .orElseThrow();
        CatalogEntry<?> dataset =
                store.find(CatalogKind.DATASET, "admin", "birds").orElseThrow();

        assertEquals(CatalogEntry.FROM_MODEL_FOLDER, model.source());
        assertEquals(CatalogEntry.FROM_IMPORT, dataset.source());
        assertTrue(store.find(CatalogKind.EVALUATION, CatalogEntry.NODE_WIDE, "colour-eval")
                .isPresent());
    }

    @Test
    void loadingAgainReplacesWhatTheLastStartLoaded() {
        List<String> before = ids(store.visibleTo(CatalogKind.DATASET, "admin"));

        loader.load();

        assertEquals(before, ids(store.visibleTo(CatalogKind.DATASET, "admin")));
        assertEquals(List.of("colour-test", "colour-train", "birds", "cats", "saved-flowers"), before);
    }

    private static CatalogEntry<?> module(String owner, String id, String source) {
        Module module =
                Module.newBuilder().setId(id).setDescription(id + " described").build();
        return new CatalogEntry<>(CatalogKind.MODULE, owner, id, source, CREATED, module);
    }

    private static List<String> ids(List<? extends CatalogEntry<?>> entries) {
        return entries.stream().map(CatalogEntry::id).toList();
    }
}
