package io.serai.health;

import java.net.http.HttpResponse;

/**
 * Reads a backend's load URL for members that get little traffic, so their report stays fresh: the
 * answer's {@code endpoint-load-metrics} header, or else its body, in ORCA's TEXT form.
 */
final class LoadReportPoller {

    private final BackendHealth health;

    LoadReportPoller(BackendHealth health) {
        this.health = health;
    }

    void onResult(HttpResponse<String> response, Throwable error) {
        if (error != null || response.statusCode() != 200) {
            return;
        }
        long now = System.nanoTime();
        LoadReport report = response.headers().firstValue(LoadReport.HEADER)
                .map(value -> LoadReport.parse(value, now))
                .orElseGet(() -> LoadReport.parse(firstLine(response.body()), now));
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
