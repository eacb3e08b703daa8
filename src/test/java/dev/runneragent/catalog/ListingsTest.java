package dev.runneragent.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.App;
import com.clarifai.grpc.api.AppDuplication;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.api.ApiException;
import dev.runneragent.api.Caller;
import dev.runneragent.api.ResourceKind;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The text filters and the app-key rule the lists share. */
class ListingsTest {

    static final Caller MAIN_APP_KEY =
            new Caller("alice", Caller.KeyType.API_KEY, Set.of("All"), Set.of(), Set.of("main"));
    static final Caller PERSONAL =
            new Caller("alice", Caller.KeyType.PERSONAL_ACCESS_TOKEN, Set.of(), Set.of(), Set.of());

    @Test
    void queryNeedsAllWordsOfOneAlternativeAndNoneOfTheNegated() {
        assertTrue(Listings.matchesQuery("red car", "A red sports car"));
        assertFalse(Listings.matchesQuery("red bike", "A red sports car"));
        assertTrue(Listings.matchesQuery("red bike OR sports", "A red sports car"));
        assertFalse(Listings.matchesQuery("car -sports", "A red sports car"));
        assertTrue(Listings.matchesQuery("", "anything"));
    }

    @Test
    void wildcardMatchesWholeCandidatesAndPrefixesWithoutStar() {
        assertTrue(Listings.matchesWildcard("gen*", List.of("general")));
        assertTrue(Listings.matchesWildcard("GEN", List.of("general")));
        assertTrue(Listings.matchesWildcard("*ral", List.of("general")));
        assertFalse(Listings.matchesWildcard("*gen", List.of("general")));
        assertFalse(Listings.matchesWildcard("ne*", List.of("general")));
        assertTrue(Listings.matchesWildcard("a.b*", List.of("a.bc")));
        assertFalse(Listings.matchesWildcard("a.b*", List.of("axbc")));
    }

    @Test
    void appKeySeesDuplicationsIntoOrOfItsApps() {
        assertTrue(Listings.visible(duplication(App.newBuilder().setId("main").build(), ""), MAIN_APP_KEY));
        assertTrue(Listings.visible(duplication(App.getDefaultInstance(), "main"), MAIN_APP_KEY));
        assertFalse(Listings.visible(duplication(App.newBuilder().setId("other").build(), ""), MAIN_APP_KEY));
        assertFalse(Listings.visible(duplication(App.getDefaultInstance(), ""), MAIN_APP_KEY));
        assertTrue(Listings.visible(duplication(App.getDefaultInstance(), ""), PERSONAL));
    }

    @Test
    void unknownAdditionalFieldNamesTheParameter() {
        ApiException e = assertThrows(
                ApiException.class,
                () -> Listings.additionalFields(
                        List.of("stars", "counts"), List.of("all", "stars"), ResourceKind.MODULE));

        assertEquals(StatusCode.MODULE_INVALID_ARGUMENT, e.code());
        assertTrue(e.details().contains("additionalFields"), e.details());
        assertEquals(
                Set.of("stars"), Listings.additionalFields(List.of(" STARS "), List.of("stars"), ResourceKind.MODULE));
    }

    private static CatalogEntry<AppDuplication> duplication(App destination, String existingAppId) {
        AppDuplication duplication = AppDuplication.newBuilder()
                .setId("d")
                .setDestinationApp(destination)
                .setExistingAppId(existingAppId)
                .build();
        return new CatalogEntry<>(
                CatalogKind.APP_DUPLICATION, "alice", "d", CatalogEntry.FROM_IMPORT, Instant.EPOCH, duplication);
    }
}
