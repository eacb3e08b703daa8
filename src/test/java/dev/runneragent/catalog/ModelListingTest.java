package dev.runneragent.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.clarifai.grpc.api.InputInfo;
import com.clarifai.grpc.api.ListModelsRequest;
import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.ModelVersion;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.runneragent.api.ApiException;
import dev.runneragent.api.Page;
import dev.runneragent.api.ResourceKind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The meanings ListModels gives its parameters, on models the test folder does not have. */
class ModelListingTest {

    static final Instant LOADED = Instant.parse("2024-06-01T00:00:00Z");
    static final Page FIRST_PAGE = Page.of(0, 0, ResourceKind.MODEL);

    static final CatalogEntry<Model> SERVED_WITHOUT_STATUS =
            entry(model("served", null), CatalogEntry.FROM_MODEL_FOLDER);
    static final CatalogEntry<Model> SERVED_STILL_TRAINING =
            entry(model("training", StatusCode.MODEL_TRAINING), CatalogEntry.FROM_MODEL_FOLDER);
    static final CatalogEntry<Model> OTHER_WITHOUT_STATUS = entry(model("elsewhere", null), "api");
    static final CatalogEntry<Model> OTHER_TRAINED = entry(model("trained", StatusCode.MODEL_TRAINED), "api");

    @Test
    void trainedOnlyTrustsTheFolderUnlessItSaysOtherwise() {
        List<Model> trained = ModelListing.list(
                List.of(SERVED_WITHOUT_STATUS, SERVED_STILL_TRAINING, OTHER_WITHOUT_STATUS, OTHER_TRAINED),
                ListModelsRequest.newBuilder().setTrainedOnly(true).build(),
                FIRST_PAGE);

        assertEquals(
                List.of("served", "trained"),
                trained.stream().map(Model::getId).sorted().toList());
    }

    @Test
    void fieldsMapOverridesTheModelType() {
        Model custom = model("custom", null).toBuilder()
                .setModelTypeId("visual-classifier")
                .setModelVersion(ModelVersion.newBuilder()
                        .setId("1")
                        .setInputInfo(InputInfo.newBuilder()
                                .setFieldsMap(Struct.newBuilder()
                                        .putFields(
                                                "audio",
                                                Value.newBuilder()
                                                        .setStringValue("wave")
                                                        .build()))))
                .build();

        assertEquals(List.of("audio"), ModelListing.fieldsOf(custom, true));
        assertEquals(List.of("concepts"), ModelListing.fieldsOf(custom, false));
    }

    @Test
    void outputFieldNamesItsSubFieldsInEitherCase() {
        Model detector = model("detector", null).toBuilder()
                .setModelTypeId("visual-detector")
                .build();
        CatalogEntry<Model> entry = entry(detector, CatalogEntry.FROM_MODEL_FOLDER);

        for (String field : List.of("regions", "regions[...].regionInfo.boundingBox", "data.regions")) {
            assertEquals(
                    1,
                    ModelListing.list(
                                    List.of(entry),
                                    ListModelsRequest.newBuilder()
                                            .addOutputFields(field)
                                            .build(),
                                    FIRST_PAGE)
                            .size(),
                    field);
        }
        assertEquals(
                0,
                ModelListing.list(
                                List.of(entry),
                                ListModelsRequest.newBuilder()
                                        .addOutputFields("region")
                                        .build(),
                                FIRST_PAGE)
                        .size());
    }

    @Test
    void nameMatchesTheOwnerOnlyWithFilterByUserId() {
        CatalogEntry<Model> owned =
                entry(model("general", null).toBuilder().setUserId("clarifai").build(), "api");
        ListModelsRequest byOwner =
                ListModelsRequest.newBuilder().setName("clari*").build();

        assertEquals(0, ModelListing.list(List.of(owned), byOwner, FIRST_PAGE).size());
        assertEquals(
                1,
                ModelListing.list(
                                List.of(owned),
                                byOwner.toBuilder().setFilterByUserId(true).build(),
                                FIRST_PAGE)
                        .size());
    }

    @Test
    void bookmarkWithTrainedOnlyIsRefused() {
        ApiException e = assertThrows(
                ApiException.class,
                () -> ModelListing.list(
                        List.of(),
                        ListModelsRequest.newBuilder()
                                .setTrainedOnly(true)
                                .setBookmark(true)
                                .build(),
                        FIRST_PAGE));

        assertEquals(StatusCode.MODEL_INVALID_ARGUMENT, e.code());
    }

    private static Model model(String id, StatusCode status) {
        ModelVersion.Builder version = ModelVersion.newBuilder().setId("1");
        if (status != null) {
            version.setStatus(Status.newBuilder().setCode(status));
        }
        return Model.newBuilder().setId(id).setModelVersion(version).build();
    }

    private static CatalogEntry<Model> entry(Model model, String source) {
        return new CatalogEntry<>(CatalogKind.MODEL, CatalogEntry.NODE_WIDE, model.getId(), source, LOADED, model);
    }
}
