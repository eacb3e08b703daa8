package dev.runneragent.testing;

/** Reading the node's Prometheus text in tests. */
public final class Metrics {

    private Metrics() {}

    /**
     * The value of {@code sample} (a metric name with its labels exactly as exported, e.g.
     * {@code runner_agent_items_total{outcome="completed"}}) in {@code prometheusText}; 0 when it is not exported.
     */
    public static double sample(String prometheusText, String sample) {
        return prometheusText
                .lines()
                .filter(line -> line.startsWith(sample + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(sample.length() + 1)))
                .findFirst()
                .orElse(0.0);
    }
}
