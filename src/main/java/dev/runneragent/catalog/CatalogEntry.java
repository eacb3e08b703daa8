package dev.runneragent.catalog;

import com.google.protobuf.Message;
import java.time.Instant;
import java.util.List;

/**
 * One row of the catalog: a message of one kind, who owns it ({@link #NODE_WIDE} for what every user of the node
 * sees), where it came from, and when it was created (or, lacking that, loaded).
 */
public record CatalogEntry<M extends Message>(
        CatalogKind<M> kind, String ownerId, String id, String source, Instant createdAt, M message) {

    /** The owner of entries that every user of the node sees: the node's own models and their data. */
    public static final String NODE_WIDE = "*";

    /** Loaded from the model folder at start. */
    public static final String FROM_MODEL_FOLDER = "model-folder";

    /** Loaded from the import file at start. */
    public static final String FROM_IMPORT = "import";

    /** The apps the entry belongs to (empty ids left out). */
    public List<String> appIds() {
        return kind.appIdsOf().apply(message).stream()
                .filter(id -> !id.isEmpty())
                .toList();
    }

    public boolean nodeWide() {
        return NODE_WIDE.equals(ownerId);
    }
}
