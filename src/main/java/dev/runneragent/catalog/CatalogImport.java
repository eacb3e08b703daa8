package dev.runneragent.catalog;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.runneragent.api.Caller;
import dev.runneragent.api.ProtoJson;
import dev.runneragent.store.Sql;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the catalog import file ({@code docs/catalog-import.md}): per user, lists of datasets, evaluations,
 * modules, collaborations and app duplications, each element a Clarifai message in its JSON form. The whole file
 * is checked before anything is stored, and any problem is reported with the file and the path of the element,
 * for example {@code users.alice.modules[2]}, so that a node never starts with half an import.
 */
public final class CatalogImport {

    /** The sections of a user, by their JSON name (snake_case is accepted as well). */
    static final Map<String, CatalogKind<?>> SECTIONS = Map.of(
            "datasets", CatalogKind.DATASET,
            "evaluations", CatalogKind.EVALUATION,
            "modules", CatalogKind.MODULE,
            "collaborations", CatalogKind.COLLABORATION,
            "appDuplications", CatalogKind.APP_DUPLICATION,
            "app_duplications", CatalogKind.APP_DUPLICATION);

    private static final String SECTION_NAMES = "datasets, evaluations, modules, collaborations, appDuplications";
    private static final int MAX_USER_ID = 128;
    private static final int MAX_ID = 256;

    /** The import file cannot be used; the message names the file, the element and the problem. */
    public static class CatalogImportException extends RuntimeException {
        public CatalogImportException(Path file, String problem) {
            super("catalog import file " + file.toAbsolutePath() + ": " + problem);
        }
    }

    private CatalogImport() {}

    /**
     * The entries of {@code file}, owned by their users; an entry without a creation time of its own gets
     * {@code loadedAt}.
     *
     * @throws CatalogImportException when the file is missing, unreadable or malformed
     */
    public static List<CatalogEntry<?>> read(Path file, Instant loadedAt) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CatalogImportException(
                    file, Files.exists(file) ? "cannot be read (" + e.getMessage() + ")" : "does not exist");
        }
        return parse(file, text, loadedAt);
    }

    private static List<CatalogEntry<?>> parse(Path file, String text, Instant loadedAt) {
        JsonElement tree;
        try {
            tree = ProtoJson.tree(text);
        } catch (ProtoJson.MalformedJsonException e) {
            throw new CatalogImportException(file, "not valid JSON: " + e.getMessage());
        }
        JsonObject root = object(file, tree, "the top level");
        for (String key : root.keySet()) {
            if (!key.equals("users")) {
                throw new CatalogImportException(file, "unknown top-level key '" + key + "'; expected only 'users'");
            }
        }
        JsonObject users = object(file, root.get("users"), "users");
        List<CatalogEntry<?>> entries = new ArrayList<>();
        for (Map.Entry<String, JsonElement> user : users.entrySet()) {
            entries.addAll(userEntries(file, user.getKey(), user.getValue(), loadedAt));
        }
        return entries;
    }

    private static List<CatalogEntry<?>> userEntries(Path file, String userId, JsonElement value, Instant loadedAt) {
        String where = "users." + userId;
        if (userId.isBlank()
                || userId.equals(CatalogEntry.NODE_WIDE)
                || userId.equals(Caller.ME)
                || userId.length() > MAX_USER_ID) {
            throw new CatalogImportException(
                    file,
                    where + ": '" + userId + "' is not a user id (1 to " + MAX_USER_ID + " characters, not '"
                            + CatalogEntry.NODE_WIDE + "' or '" + Caller.ME + "')");
        }
        JsonObject sections = object(file, value, where);
        List<CatalogEntry<?>> entries = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (Map.Entry<String, JsonElement> section : sections.entrySet()) {
            CatalogKind<?> kind = SECTIONS.get(section.getKey());
            if (kind == null) {
                throw new CatalogImportException(
                        file, where + "." + section.getKey() + ": unknown section; expected " + SECTION_NAMES);
            }
            String sectionPath = where + "." + section.getKey();
            JsonArray elements = array(file, section.getValue(), sectionPath);
            for (int i = 0; i < elements.size(); i++) {
                String path = sectionPath + "[" + i + "]";
                CatalogEntry<?> entry = entry(file, kind, userId, elements.get(i), path, loadedAt);
                String previous = seen.putIfAbsent(kind.name() + "\n" + entry.id(), path);
                if (previous != null) {
                    throw new CatalogImportException(
                            file,
                            path + ": duplicate " + kind.name() + " id '" + entry.id() + "' (also at " + previous
                                    + ")");
                }
                entries.add(entry);
            }
        }
        return entries;
    }

    private static <M extends Message> CatalogEntry<M> entry(
            Path file, CatalogKind<M> kind, String userId, JsonElement element, String path, Instant loadedAt) {
        Message.Builder builder = kind.prototype().newBuilderForType();
        try {
            ProtoJson.merge(object(file, element, path).toString(), builder);
        } catch (ProtoJson.InvalidJsonValueException e) {
            throw new CatalogImportException(file, path + ": not a valid " + typeName(kind) + ": " + e.getMessage());
        }
        @SuppressWarnings("unchecked")
        M message = kind.ownedBy().apply((M) builder.build(), userId);
        String id = kind.id(message);
        if (id.isBlank()) {
            throw new CatalogImportException(
                    file,
                    path + ": needs " + (kind == CatalogKind.COLLABORATION ? "app.id (and app.userId)" : "an id"));
        }
        if (kind == CatalogKind.COLLABORATION && id.startsWith("/")) {
            throw new CatalogImportException(file, path + ": needs app.userId, the owner of the shared app");
        }
        if (id.length() > MAX_ID) {
            throw new CatalogImportException(file, path + ": id is longer than " + MAX_ID + " characters");
        }
        Timestamp created = kind.createdOf().apply(message);
        Instant createdAt = created.equals(Timestamp.getDefaultInstance()) ? loadedAt : Sql.instant(created);
        return new CatalogEntry<>(kind, userId, id, CatalogEntry.FROM_IMPORT, createdAt, message);
    }

    private static JsonObject object(Path file, JsonElement element, String path) {
        if (element == null || !element.isJsonObject()) {
            throw new CatalogImportException(file, path + ": expected a JSON object, found " + describe(element));
        }
        return element.getAsJsonObject();
    }

    private static JsonArray array(Path file, JsonElement element, String path) {
        if (element == null || !element.isJsonArray()) {
            throw new CatalogImportException(file, path + ": expected a JSON array, found " + describe(element));
        }
        return element.getAsJsonArray();
    }

    private static String describe(JsonElement element) {
        if (element == null) {
            return "nothing";
        }
        if (element.isJsonNull()) {
            return "null";
        }
        if (element.isJsonArray()) {
            return "an array";
        }
        return element.isJsonObject() ? "an object" : "the value " + element;
    }

    private static String typeName(CatalogKind<?> kind) {
        return kind.prototype().getDescriptorForType().getName();
    }
}
