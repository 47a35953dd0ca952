package io.serai.support;

import java.io.IOException;

/** Reads one meter from the admin listener's Prometheus scrape, as a dashboard would. */
public final class MetricScrape {

    private MetricScrape() {}

    /**
     * The sum of {@code name}'s samples whose labels include every {@code labels} entry (written as in the
     * scrape: {@code kind="read-idle"}); 0 when there is none.
     */
    public static double value(int adminPort, String name, String... labels) throws IOException {
        RawResponse scrape = RawHttp.exchange(adminPort, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        double sum = 0;
        for (String line : scrape.bodyText().split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
