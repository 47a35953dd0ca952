package io.serai.health;

/**
 * A backend's own report of how busy it is, in the TEXT form of the ORCA {@code endpoint-load-metrics}
 * header that Envoy and gRPC use: {@code TEXT cpu_utilization=0.42, mem_utilization=0.30}.
 * {@code application_utilization}, when present, is the backend's own verdict and wins; otherwise the
 * busier of CPU and memory counts. Values are clamped to 0..1. Written by hand: the ORCA libraries
 * are gRPC/protobuf (xds) artifacts, far too heavy for parsing one header of key=value pairs.
 */
public record LoadReport(double utilization, long receivedNanos) {

    public static final String HEADER = "endpoint-load-metrics";

    /** The report in {@code text}, or null when it has no utilization Serai understands. */
    public static LoadReport parse(String text, long nowNanos) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        if (t.regionMatches(true, 0, "TEXT", 0, 4) && (t.length() == 4 || t.charAt(4) == ' ')) {
            t = t.substring(4);
        }
        double application = -1;
        double cpu = -1;
        double mem = -1;
        for (String pair : t.split(",")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = pair.substring(0, eq).trim();
            double value;
            try {
                value = Double.parseDouble(pair.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            if (!Double.isFinite(value) || value < 0) {
                continue;
            }
            switch (key) {
                case "application_utilization" -> application = value;
                case "cpu_utilization" -> cpu = value;
                case "mem_utilization" -> mem = value;
                default -> {
                    // rps_fractional, eps, named_metrics.*: not used for weighting
                }
            }
        }
        double utilization = application > 0 ? application : Math.max(cpu, mem);
        if (utilization < 0) {
            return null;
        }
        return new LoadReport(Math.min(1.0, utilization), nowNanos);
    }

    /** The share of the backend that is still free: 0 (saturated) to 1 (idle). */
    public double spareCapacity() {
        return 1.0 - utilization;
    }
}
