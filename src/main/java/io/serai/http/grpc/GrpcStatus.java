package io.serai.http.grpc;

import io.serai.http.UpstreamException;

/**
 * The status codes of gRPC (grpc/grpc doc/statuscodes.md), and which one answers each failure Serai
 * answers itself. The table follows grpc's doc/http-grpc-status-mapping.md where it speaks, and names
 * Serai's own refusals more precisely where Serai knows why it refused:
 *
 * <table>
 * <caption>Serai's answer and the grpc-status a gRPC client gets instead</caption>
 * <tr><th>Serai's answer</th><th>grpc-status</th></tr>
 * <tr><td>could not connect, TLS handshake failed, no response, no member available, breaker open (502, 503)</td>
 *     <td>14 UNAVAILABLE</td></tr>
 * <tr><td>backend timed out, grpc-timeout expired (504, 408)</td><td>4 DEADLINE_EXCEEDED</td></tr>
 * <tr><td>backend's answer was not HTTP (bad response)</td><td>13 INTERNAL</td></tr>
 * <tr><td>the client went away</td><td>1 CANCELLED</td></tr>
 * <tr><td>401 refused access check</td><td>16 UNAUTHENTICATED</td></tr>
 * <tr><td>403 refused access check</td><td>7 PERMISSION_DENIED</td></tr>
 * <tr><td>429 rate limit</td><td>8 RESOURCE_EXHAUSTED</td></tr>
 * <tr><td>404 no route, 405 method not taken</td><td>12 UNIMPLEMENTED</td></tr>
 * <tr><td>400, 413, 414, 431 refused request</td><td>3 INVALID_ARGUMENT</td></tr>
 * <tr><td>500 (the route failed, a malformed request Serai could not take)</td><td>13 INTERNAL</td></tr>
 * <tr><td>any other status, 2xx other than 200 and 3xx included</td><td>2 UNKNOWN</td></tr>
 * </table>
 */
public enum GrpcStatus {
    OK,
    CANCELLED,
    UNKNOWN,
    INVALID_ARGUMENT,
    DEADLINE_EXCEEDED,
    NOT_FOUND,
    ALREADY_EXISTS,
    PERMISSION_DENIED,
    RESOURCE_EXHAUSTED,
    FAILED_PRECONDITION,
    ABORTED,
    OUT_OF_RANGE,
    UNIMPLEMENTED,
    INTERNAL,
    UNAVAILABLE,
    DATA_LOSS,
    UNAUTHENTICATED;

    private static final GrpcStatus[] BY_CODE = values();

    /** The number gRPC sends in {@code grpc-status}: the enum's order is the codes' order, 0 to 16. */
    public int code() {
        return ordinal();
    }

    /** The status of code {@code code}, or null when it is not one of gRPC's 17. */
    public static GrpcStatus ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The status for an answer with HTTP status {@code status} that Serai made itself. */
    public static GrpcStatus forHttpStatus(int status) {
        return switch (status) {
            case 200 -> OK;
            case 400, 413, 414, 431 -> INVALID_ARGUMENT;
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404, 405 -> UNIMPLEMENTED;
            case 408, 504 -> DEADLINE_EXCEEDED;
            case 429 -> RESOURCE_EXHAUSTED;
            case 502, 503 -> UNAVAILABLE;
            case 500 -> INTERNAL;
            default -> UNKNOWN;
        };
    }

    /** The status for a backend call that failed as {@code failure} says. */
    public static GrpcStatus forFailure(UpstreamException failure) {
        return switch (failure.kind()) {
            case CONNECT_FAILED, TLS_HANDSHAKE, NO_RESPONSE, UNAVAILABLE -> UNAVAILABLE;
            case TIMED_OUT -> DEADLINE_EXCEEDED;
            case BAD_RESPONSE -> INTERNAL;
            case ABANDONED -> CANCELLED;
            case REQUEST_BODY -> failure.status() == 413 || failure.status() == 400 ? INVALID_ARGUMENT : UNAVAILABLE;
        };
    }
}
