package io.serai.health;

import java.time.Duration;

/**
 * An active health check of one backend, as HAProxy's {@code check inter 1s rise 2 fall 3}: a GET of
 * {@code path} every {@code interval}; {@code unhealthyThreshold} failures in a row take the member
 * out, {@code healthyThreshold} successes in a row bring it back.
 */
public record HealthCheckSettings(
        String path, Duration interval, Duration timeout, int healthyThreshold, int unhealthyThreshold) {}
