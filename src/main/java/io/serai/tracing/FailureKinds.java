package io.serai.tracing;

import io.serai.http.UpstreamException;

/**
 * {@code error.type} of a client span: the kind of failure of a backend call ({@code connect},
 * {@code tls_handshake}, {@code reset}, {@code bad_response}, {@code timeout}, {@code abandoned},
 * {@code unavailable}, {@code request_body}), or the status code when the backend answered 4xx or 5xx.
 */
public final class FailureKinds {

    private FailureKinds() {}

    public static String of(Exception failure, int status) {
        if (failure instanceof UpstreamException upstream) {
            return switch (upstream.kind()) {
                case CONNECT_FAILED -> "connect";
                case NO_RESPONSE -> "reset";
                case TIMED_OUT -> "timeout";
                default -> upstream.kind().label();
            };
        }
        if (failure != null) {
            return failure.getClass().getName();
        }
        return status >= 400 ? Integer.toString(status) : null;
    }
}
