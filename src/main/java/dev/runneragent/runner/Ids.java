package dev.runneragent.runner;

import dev.runneragent.api.ResourceKind;
import java.util.regex.Pattern;

/** The ids the runner protocol stores, checked before they reach a column (and a shared transaction). */
final class Ids {

    /** Runner and nodepool ids: letters, digits, '_' and '-', at most 128 (a UUID fits). */
    static final Pattern RUNNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    /** Model and workflow ids: letters, digits, '_', '-' and '.', at most 256. */
    static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,255}");

    /** Model version ids: as model ids, at most 64. */
    static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private Ids() {}

    /** {@code id}, which must be present and match {@code pattern}; else {@code kind}'s invalid argument. */
    static String required(String id, Pattern pattern, String where, ResourceKind kind) {
        if (id.isEmpty()) {
            throw kind.invalid(where + " is required");
        }
        return optional(id, pattern, where, kind);
    }

    /** {@code id}, empty or matching {@code pattern}. */
    static String optional(String id, Pattern pattern, String where, ResourceKind kind) {
        if (!id.isEmpty() && !pattern.matcher(id).matches()) {
            throw kind.invalid(where + " '" + abbreviated(id) + "' is not a valid id (letters, digits, '_', '-'"
                    + (pattern == RUNNER ? "" : ", '.'") + "; at most " + maxLength(pattern) + ")");
        }
        return id;
    }

    static String abbreviated(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private static int maxLength(Pattern pattern) {
        String regex = pattern.pattern();
        return Integer.parseInt(regex.substring(regex.lastIndexOf(',') + 1, regex.lastIndexOf('}'))) + 1;
    }
}
