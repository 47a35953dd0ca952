package io.serai.health;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Counts a backend's health-check results and tells its {@link BackendHealth} when they cross a
 * threshold: a 2xx or 3xx answer is a pass (HAProxy's rule), anything else or no answer is a fail; a gRPC
 * check passes as {@link GrpcHealthCheck} says.
 */
final class ActiveHealthCheck {

    private final BackendHealth health;
    private final HealthCheckSettings settings;
    private int passes;
    private int fails;

    ActiveHealthCheck(BackendHealth health, HealthCheckSettings settings) {
        this.health = health;
        this.settings = settings;
    }

    HealthCheckSettings settings() {
        return settings;
    }

    /** Called by one probe at a time. */
    void onResult(ProbeAnswer answer, Throwable error) {
        String failure = failure(answer, error);
        if (failure == null) {
            fails = 0;
            passes++;
            health.activeCheckPassed(passes >= settings.healthyThreshold(), passes);
        } else {
            passes = 0;
            fails++;
            health.activeCheckFailed(fails >= settings.unhealthyThreshold(), fails, failure);
        }
    }

    private String failure(ProbeAnswer answer, Throwable error) {
        if (error != null) {
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TimeoutException) {
                return "no answer within " + settings.timeout().toMillis() + " ms";
            }
            String what = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return (settings.grpc() ? "POST " : "GET ") + settings.path() + " failed: " + what;
        }
        if (settings.grpc()) {
            return GrpcHealthCheck.failure(answer, settings);
        }
        int status = answer.status();
        return status >= 200 && status < 400 ? null : "GET " + settings.path() + " answered " + status;
    }
}
