package dev.runneragent.execution;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities, as {@code ComputeInfo} carries them: {@code 8Gi}, {@code 500m}, {@code 4.5},
 * {@code 1e3}, {@code 2M}.
 */
public final class Quantity {

    private static final Pattern FORM = Pattern.compile("([+]?[0-9]*\\.?[0-9]+(?:[eE][+-]?[0-9]+)?)([A-Za-z]*)");
    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("n", new BigDecimal("0.000000001")),
            Map.entry("u", new BigDecimal("0.000001")),
            Map.entry("m", new BigDecimal("0.001")),
            Map.entry("k", BigDecimal.valueOf(1_000L)),
            Map.entry("M", BigDecimal.valueOf(1_000_000L)),
            Map.entry("G", BigDecimal.valueOf(1_000_000_000L)),
            Map.entry("T", BigDecimal.valueOf(1_000_000_000_000L)),
            Map.entry("P", BigDecimal.valueOf(1_000_000_000_000_000L)),
            Map.entry("E", new BigDecimal("1000000000000000000")),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
            Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
            Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
            Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

    private Quantity() {}

    /** The value of {@code text}; an empty text is zero. */
    public static BigDecimal parse(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            return BigDecimal.ZERO;
        }
        Matcher matcher = FORM.matcher(trimmed);
        BigDecimal unit = matcher.matches() ? SUFFIXES.get(matcher.group(2)) : null;
        if (unit == null) {
            throw new IllegalArgumentException("'" + text + "' is not a quantity (examples: 8Gi, 500m, 4.5, 2M)");
        }
        return new BigDecimal(matcher.group(1)).multiply(unit);
    }

    /** {@code text} as a whole number of bytes. */
    public static long bytes(String text) {
        try {
            return parse(text).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is more bytes than any machine has", e);
        }
    }

    /** {@code bytes} in the largest binary unit that keeps it readable, e.g. {@code 24Gi}. */
    public static String bytes(long bytes) {
        String[] units = {"", "Ki", "Mi", "Gi", "Ti"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return (value == Math.rint(value) ? String.valueOf((long) value) : String.format("%.1f", value)) + units[unit];
    }
}
