package io.serai.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One check by the gRPC health protocol (grpc's doc/health-checking.md), as Envoy's and Kubernetes' gRPC
 * probes send it: {@code POST /grpc.health.v1.Health/Check} on an HTTP/2 stream with a HealthCheckRequest
 * of the service; healthy iff HTTP 200, {@code grpc-status} 0 (in the trailers, or the head of a
 * trailers-only answer) and the status SERVING.
 */
final class GrpcHealthCheck {

    private GrpcHealthCheck() {}

    static CompletionStage<ProbeAnswer> send(ProbeClient client, HealthCheckSettings settings) {
        Duration timeout = settings.timeout();
        Map<String, String> headers = Map.of(
                "content-type", "application/grpc",
                "te", "trailers",
                // the backend gives up when the probe does: milliseconds, at most 8 digits (gRPC's limit)
                "grpc-timeout", Math.min(timeout.toMillis(), 99_999_999L) + "m",
                "user-agent", "serai-health-check");
        return client.postHttp2(
                GrpcHealthMessages.CHECK_PATH,
                headers,
                GrpcHealthMessages.checkRequest(settings.grpcService()),
                timeout);
    }

    /** Why {@code answer} is not healthy, or null when it is. */
    static String failure(ProbeAnswer answer, HealthCheckSettings settings) {
        String what = "gRPC health check of service \"" + settings.grpcService() + "\"";
        if (answer.status() != 200) {
            return what + " answered HTTP " + answer.status();
        }
        String grpcStatus = answer.header("grpc-status");
        if (!"0".equals(grpcStatus == null ? null : grpcStatus.trim())) {
            String message = answer.header("grpc-message");
            return what + " answered grpc-status " + grpcStatus + (message == null ? "" : " (" + message + ")");
        }
        try {
            GrpcHealthMessages.ServingStatus status = GrpcHealthMessages.checkResponse(answer.content());
            return status == GrpcHealthMessages.ServingStatus.SERVING ? null : what + " answered " + status;
        } catch (IllegalArgumentException e) {
            return what + " answered an unreadable message: " + e.getMessage();
        }
    }
}
