package dev.runneragent.catalog;

import com.clarifai.grpc.api.AppDuplication;
import com.clarifai.grpc.api.Collaboration;
import com.clarifai.grpc.api.Dataset;
import com.clarifai.grpc.api.EvalMetrics;
import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.Module;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.Timestamp;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One kind of catalog entry and what the catalog needs to know about its message: the value of the {@code kind}
 * column, how to read it back, its id, the app(s) it lives in (what an app key must have to see it), when it was
 * created, and how to mark a user as its owner.
 *
 * @param name the {@code kind} column
 * @param prototype the default instance of the message type
 * @param idOf the entry's id; a collaboration has none of its own, so it is {@code app.userId/app.id}
 * @param appIdsOf the apps the entry belongs to; an app key sees it when it holds any of them
 * @param createdOf the creation time; evaluations have none, so theirs is the evaluated model version's
 * @param ownedBy the message with its owner filled in where it has a user field and that field is empty
 */
public record CatalogKind<M extends Message>(
        String name,
        M prototype,
        Function<M, String> idOf,
        Function<M, List<String>> appIdsOf,
        Function<M, Timestamp> createdOf,
        BiFunction<M, String, M> ownedBy) {

    public static final CatalogKind<Model> MODEL = new CatalogKind<>(
            "model",
            Model.getDefaultInstance(),
            Model::getId,
            m -> List.of(m.getAppId()),
            Model::getCreatedAt,
            (m, owner) ->
                    m.getUserId().isEmpty() ? m.toBuilder().setUserId(owner).build() : m);

    public static final CatalogKind<Dataset> DATASET = new CatalogKind<>(
            "dataset",
            Dataset.getDefaultInstance(),
            Dataset::getId,
            d -> List.of(d.getAppId()),
            Dataset::getCreatedAt,
            (d, owner) ->
                    d.getUserId().isEmpty() ? d.toBuilder().setUserId(owner).build() : d);

    public static final CatalogKind<EvalMetrics> EVALUATION = new CatalogKind<>(
            "evaluation",
            EvalMetrics.getDefaultInstance(),
            EvalMetrics::getId,
            e -> List.of(e.getAppId()),
            e -> e.getModel().getModelVersion().getCreatedAt(),
            (e, owner) ->
                    e.getUserId().isEmpty() ? e.toBuilder().setUserId(owner).build() : e);

    public static final CatalogKind<Module> MODULE = new CatalogKind<>(
            "module",
            Module.getDefaultInstance(),
            Module::getId,
            m -> List.of(m.getAppId()),
            Module::getCreatedAt,
            (m, owner) ->
                    m.getUserId().isEmpty() ? m.toBuilder().setUserId(owner).build() : m);

    public static final CatalogKind<Collaboration> COLLABORATION = new CatalogKind<>(
            "collaboration",
            Collaboration.getDefaultInstance(),
            c -> c.getApp().getId().isEmpty()
                    ? ""
                    : c.getApp().getUserId() + "/" + c.getApp().getId(),
            c -> List.of(c.getApp().getId()),
            Collaboration::getCreatedAt,
            (c, owner) -> c);

    public static final CatalogKind<AppDuplication> APP_DUPLICATION = new CatalogKind<>(
            "app-duplication",
            AppDuplication.getDefaultInstance(),
            AppDuplication::getId,
            d -> List.of(d.getDestinationApp().getId(), d.getExistingAppId()),
            AppDuplication::getCreatedAt,
            (d, owner) -> d);

    /** Reads a stored message of this kind. */
    @SuppressWarnings("unchecked")
    public Parser<M> parser() {
        return (Parser<M>) prototype.getParserForType();
    }

    /** The id of {@code message}; empty when it has none. */
    public String id(M message) {
        return idOf.apply(message);
    }
}
