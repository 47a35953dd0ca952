package io.serai.health;

/**
 * Reads a backend's load URL for members that get little traffic, so their report stays fresh: the
 * answer's {@code endpoint-load-metrics} header, or else its body, in ORCA's TEXT form.
 */
final class LoadReportPoller {

    private final BackendHealth health;

    LoadReportPoller(BackendHealth health) {
        this.health = health;
    }

    void onResult(ProbeAnswer answer, Throwable error) {
        if (error != null || answer.status() != 200) {
            return;
        }
        long now = System.nanoTime();
        LoadReport report = LoadReport.parse(answer.header(LoadReport.HEADER), now);
        if (report == null) {
            report = LoadReport.parse(firstLine(answer.body()), now);
        }
        if (report != null) {
            health.reportLoad(report);
        }
    }

    private static String firstLine(String body) {
        if (body == null) {
            return null;
        }
        int end = body.indexOf('\n');
        return end < 0 ? body : body.substring(0, end);
    }
}
