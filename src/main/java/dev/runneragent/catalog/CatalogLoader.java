package dev.runneragent.catalog;

import com.clarifai.grpc.api.Dataset;
import com.clarifai.grpc.api.EvalMetrics;
import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.ModelVersion;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.runneragent.execution.LocalModels;
import dev.runneragent.execution.ModelFolder;
import dev.runneragent.store.Sql;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills the catalog at every start: the node's models from the model folder, with the datasets and evaluation
 * metrics their versions name (all node-wide), and the users' entries from the import file. What earlier starts
 * loaded is replaced in one transaction; a bad import file stops the start before anything changes.
 */
@ApplicationScoped
public class CatalogLoader {

    /** The sources this loader owns: it replaces exactly these at start. */
    static final List<String> SOURCES = List.of(CatalogEntry.FROM_MODEL_FOLDER, CatalogEntry.FROM_IMPORT);

    @Inject
    LocalModels models;

    @Inject
    CatalogConfig config;

    @Inject
    CatalogStore store;

    @Inject
    Clock clock;

    void onStart(@Observes StartupEvent event) {
        load();
    }

    /**
     * Reads the model folder and the import file and replaces what was loaded before.
     *
     * @throws CatalogImport.CatalogImportException when the import file is missing or malformed (nothing changed)
     */
    public int load() {
        Instant now = clock.instant();
        List<CatalogEntry<?>> entries = new ArrayList<>(fromModelFolder(models.entries(), now));
        int fromFolder = entries.size();
        config.importFile().ifPresent(file -> entries.addAll(CatalogImport.read(file, now)));
        store.replace(SOURCES, entries);
        Log.infof(
                "Catalog: %d node-wide entries from the model folder, %d from %s",
                fromFolder,
                entries.size() - fromFolder,
                config.importFile()
                        .map(f -> "import file " + f.toAbsolutePath())
                        .orElse("no import file"));
        return entries.size();
    }

    /**
     * The node-wide entries the model folder yields: each model, the datasets its version was trained and evaluated
     * on (a dataset named by several models is one entry, their fields merged), and its version's evaluation.
     */
    static List<CatalogEntry<?>> fromModelFolder(List<ModelFolder.Entry> folder, Instant loadedAt) {
        List<CatalogEntry<?>> entries = new ArrayList<>();
        Map<String, Dataset> datasets = new LinkedHashMap<>();
        Map<String, String> evaluatedModels = new LinkedHashMap<>();
        for (ModelFolder.Entry entry : folder) {
            Model model = entry.model();
            entries.add(nodeWide(CatalogKind.MODEL, model, loadedAt));
            ModelVersion version = model.getModelVersion();
            addDataset(datasets, version.getTrainInfo().getDataset());
            if (version.hasMetrics()) {
                EvalMetrics metrics = evaluation(model);
                addDataset(datasets, metrics.getGroundTruthDataset());
                String other = evaluatedModels.putIfAbsent(metrics.getId(), model.getId());
                if (other != null) {
                    Log.warnf(
                            "Model folder %s: its metrics id '%s' is taken by model '%s'; its evaluation is not listed",
                            entry.dir().getFileName(), metrics.getId(), other);
                    continue;
                }
                entries.add(nodeWide(CatalogKind.EVALUATION, metrics, loadedAt));
            }
        }
        datasets.values().forEach(d -> entries.add(nodeWide(CatalogKind.DATASET, d, loadedAt)));
        return entries;
    }

    /**
     * The evaluation metrics of {@code model}'s version, with {@code model} filled in (id, type, version, training
     * dataset, concepts) so that lists can sort and filter evaluations by their model. Without an id of their own
     * they are {@code <modelId>-<versionId>}.
     */
    static EvalMetrics evaluation(Model model) {
        ModelVersion version = model.getModelVersion();
        EvalMetrics.Builder metrics = version.getMetrics().toBuilder();
        if (metrics.getId().isEmpty()) {
            metrics.setId(model.getId() + "-" + version.getId());
        }
        if (metrics.getAppId().isEmpty()) {
            metrics.setAppId(model.getAppId());
        }
        if (metrics.getUserId().isEmpty()) {
            metrics.setUserId(model.getUserId());
        }
        ModelVersion.Builder evaluated = ModelVersion.newBuilder().setId(version.getId());
        if (version.hasCreatedAt()) {
            evaluated.setCreatedAt(version.getCreatedAt());
        }
        if (version.hasTrainInfo()) {
            evaluated.setTrainInfo(version.getTrainInfo());
        }
        if (version.hasOutputInfo() || model.hasOutputInfo()) {
            evaluated.setOutputInfo(version.hasOutputInfo() ? version.getOutputInfo() : model.getOutputInfo());
        }
        return metrics.setModel(Model.newBuilder()
                        .setId(model.getId())
                        .setName(model.getName())
                        .setModelTypeId(model.getModelTypeId())
                        .setAppId(model.getAppId())
                        .setUserId(model.getUserId())
                        .setModelVersion(evaluated))
                .build();
    }

    private static void addDataset(Map<String, Dataset> datasets, Dataset dataset) {
        if (dataset.getId().isEmpty()) {
            return; // nothing to list it by
        }
        datasets.merge(
                dataset.getId(),
                dataset,
                (first, later) -> first.toBuilder().mergeFrom(later).build());
    }

    private static <M extends Message> CatalogEntry<M> nodeWide(CatalogKind<M> kind, M message, Instant loadedAt) {
        Timestamp created = kind.createdOf().apply(message);
        return new CatalogEntry<>(
                kind,
                CatalogEntry.NODE_WIDE,
                kind.id(message),
                CatalogEntry.FROM_MODEL_FOLDER,
                created.equals(Timestamp.getDefaultInstance()) ? loadedAt : Sql.instant(created),
                message);
    }
}
