package io.serai.health;

import java.time.Duration;

/** Polling of a backend's load URL, which answers with an ORCA {@code endpoint-load-metrics} report. */
public record LoadReportSettings(String path, Duration interval) {}
