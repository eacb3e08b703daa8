package dev.runneragent.catalog;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.runneragent.api.Caller;
import dev.runneragent.api.ResourceKind;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the list endpoints share: who sees an entry, a stable order, and the meaning of the text filters. Text
 * matching is case-insensitive everywhere.
 */
final class Listings {

    /** The additional field that turns on every other one. */
    static final String ALL = "all";

    /** The additional field that keeps {@code isStarred} and {@code starCount}. */
    static final String STARS = "stars";

    private Listings() {}

    /**
     * Whether {@code caller} sees {@code entry}: node-wide entries are for everyone; a personal access token sees
     * all of its user's entries, an app key those that belong to one of its apps.
     */
    static boolean visible(CatalogEntry<?> entry, Caller caller) {
        return entry.nodeWide()
                || caller.isPersonal()
                || entry.appIds().stream().anyMatch(caller::sees);
    }

    /**
     * Orders by {@code key}, then by id and owner so that equal keys keep a fixed order; all of it reversed when
     * not {@code ascending} (the API's default).
     */
    static <M extends Message> Comparator<CatalogEntry<M>> order(Comparator<M> key, boolean ascending) {
        Comparator<CatalogEntry<M>> order = Comparator.<CatalogEntry<M>, M>comparing(CatalogEntry::message, key)
                .thenComparing(CatalogEntry::id)
                .thenComparing(CatalogEntry::ownerId);
        return ascending ? order : order.reversed();
    }

    /** By a time; a missing time is the oldest. */
    static <M> Comparator<M> byTime(Function<M, Timestamp> time) {
        return Comparator.comparing(
                time, Comparator.comparingLong(Timestamp::getSeconds).thenComparingInt(Timestamp::getNanos));
    }

    static <M> Comparator<M> byText(Function<M, String> text) {
        return Comparator.comparing(text, String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder()));
    }

    static <M> Comparator<M> byNumber(ToDoubleFunction<M> number) {
        return Comparator.comparingDouble(number);
    }

    /** Whether one of {@code fields} contains {@code term}; a blank term matches everything. */
    static boolean contains(String term, String... fields) {
        if (term.isBlank()) {
            return true;
        }
        String wanted = lower(term.trim());
        for (String field : fields) {
            if (lower(field).contains(wanted)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The deprecated {@code query} syntax: words that must all occur in one of {@code fields}, a word prefixed with
     * {@code -} that must not, and {@code OR} between alternatives ({@code "cat dog OR -bird"}).
     */
    static boolean matchesQuery(String query, String... fields) {
        if (query.isBlank()) {
            return true;
        }
        String text = lower(String.join("\n", fields));
        for (String alternative : query.trim().split("\\s+OR\\s+")) {
            boolean matches = true;
            for (String word : alternative.trim().split("\\s+")) {
                boolean negated = word.length() > 1 && word.startsWith("-");
                String term = lower(negated ? word.substring(1) : word);
                matches &= text.contains(term) != negated;
            }
            if (matches) {
                return true;
            }
        }
        return false;
    }

    /**
     * The deprecated {@code name} filter: a pattern where {@code *} stands for any characters ({@code gen*} matches
     * {@code general}), matched against the whole of any candidate; a pattern without {@code *} matches a prefix.
     */
    static boolean matchesWildcard(String pattern, Collection<String> candidates) {
        if (pattern.isBlank()) {
            return true;
        }
        String glob = lower(pattern.trim());
        if (!glob.contains("*")) {
            glob = glob + "*";
        }
        Pattern compiled = Pattern.compile(
                Arrays.stream(glob.split("\\*", -1))
                        .map(part -> part.isEmpty() ? "" : Pattern.quote(part))
                        .collect(Collectors.joining(".*")),
                Pattern.DOTALL);
        return candidates.stream().anyMatch(c -> compiled.matcher(lower(c)).matches());
    }

    /** Words of {@code text}, for matching a pattern against each word of a description. */
    static List<String> words(String text) {
        return text.isBlank() ? List.of() : List.of(text.trim().split("\\s+"));
    }

    /** Whether {@code have} holds one of {@code wanted}; an empty {@code wanted} does not filter. */
    static boolean anyOf(List<String> wanted, Collection<String> have) {
        if (wanted.isEmpty()) {
            return true;
        }
        Set<String> present = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        present.addAll(have);
        return wanted.stream().anyMatch(present::contains);
    }

    /**
     * The requested additional fields, each one of {@code supported}; anything else is an invalid argument that
     * names the parameter and the supported values.
     */
    static Set<String> additionalFields(List<String> requested, List<String> supported, ResourceKind kind) {
        Set<String> fields = new LinkedHashSet<>();
        for (String field : requested) {
            String name = lower(field.trim());
            if (!supported.contains(name)) {
                throw kind.invalid(
                        "additionalFields: unknown field '" + field + "'; supported: " + String.join(", ", supported));
            }
            fields.add(name);
        }
        return fields;
    }

    /**
     * {@code messages} as the request asked for them: {@code isStarred} and {@code starCount} are left out unless
     * {@code fields} (from {@link #additionalFields}) asks for stars.
     */
    @SuppressWarnings("unchecked")
    static <M extends Message> List<M> withStarsIfWanted(List<M> messages, Set<String> fields) {
        if (wants(fields, STARS)) {
            return messages;
        }
        return messages.stream()
                .map(m -> {
                    Message.Builder shaped = m.toBuilder();
                    shaped.clearField(m.getDescriptorForType().findFieldByName("is_starred"));
                    shaped.clearField(m.getDescriptorForType().findFieldByName("star_count"));
                    return (M) shaped.build();
                })
                .toList();
    }

    /** Whether {@code fields} (from {@link #additionalFields}) asks for {@code field}. */
    static boolean wants(Set<String> fields, String field) {
        return fields.contains(ALL) || fields.contains(field);
    }

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
