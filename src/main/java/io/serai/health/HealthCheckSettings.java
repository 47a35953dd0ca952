package io.serai.health;

import java.time.Duration;

/**
 * An active health check of one backend, as HAProxy's {@code check inter 1s rise 2 fall 3}: a GET of
 * {@code path} every {@code interval}; {@code unhealthyThreshold} failures in a row take the member
 * out, {@code healthyThreshold} successes in a row bring it back. With a {@code grpcService} (non-null,
 * "" for the server as a whole) the probe is instead a {@code grpc.health.v1.Health/Check} of that
 * service ({@link GrpcHealthCheck}) and {@code path} is that method's.
 */
public record HealthCheckSettings(
        String path,
        Duration interval,
        Duration timeout,
        int healthyThreshold,
        int unhealthyThreshold,
        String grpcService) {

    /** An HTTP GET check of {@code path}. */
    public HealthCheckSettings(
            String path, Duration interval, Duration timeout, int healthyThreshold, int unhealthyThreshold) {
        this(path, interval, timeout, healthyThreshold, unhealthyThreshold, null);
    }

    /** True for a check by the gRPC health protocol. */
    public boolean grpc() {
        return grpcService != null;
    }
}
