package io.serai.upstream;

/**
 * A backend could not give a usable response. Travels on the exchange (so failover and circuit
 * breakers see it) and is answered to the client with {@link #status()} and a one-line reason.
 * {@link #kind()} says how far the call got, which decides whether another member may be tried.
 */
public class UpstreamException extends Exception {

    /** How far a failed call got. */
    public enum Kind {
        /** No connection: the backend never saw the request. */
        CONNECT_FAILED,
        /**
         * Connected, but the TLS handshake failed (certificate not trusted, expired or for another name,
         * client certificate refused): the backend never saw the request.
         */
        TLS_HANDSHAKE,
        /** The request was sent (or partly sent) and not one byte of a response came back. */
        NO_RESPONSE,
        /** A response had started, or what came back was not a usable HTTP response. */
        BAD_RESPONSE,
        /** No complete response within {@code serai.upstream.timeout}. */
        TIMED_OUT,
        /** The client closed its connection, so the call was stopped: not the backend's fault. */
        ABANDONED,
        /** No member of a load balancer could take the request. */
        UNAVAILABLE
    }

    private final int status;
    private final Kind kind;
    private final long retryAfterSeconds;

    public UpstreamException(int status, Kind kind, String reason, long retryAfterSeconds, Throwable cause) {
        super(reason, cause, false, false);
        this.status = status;
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static UpstreamException connectFailed(String backend, Throwable cause) {
        String why = cause == null || cause.getMessage() == null ? "connection failed" : cause.getMessage();
        return new UpstreamException(502, Kind.CONNECT_FAILED, "could not connect to " + backend + " (" + why + ")", -1,
                cause);
    }

    public static UpstreamException connectTimedOut(String backend, long millis) {
        return new UpstreamException(502, Kind.CONNECT_FAILED,
                "could not connect to " + backend + " within " + millis + " ms", -1, null);
    }

    /** {@code why}: a short reason, such as what was wrong with the backend's certificate. */
    public static UpstreamException tlsHandshakeFailed(String backend, String why) {
        return new UpstreamException(502, Kind.TLS_HANDSHAKE, "TLS handshake with " + backend + " failed: " + why, -1,
                null);
    }

    public static UpstreamException timedOut(String backend, long millis) {
        return new UpstreamException(504, Kind.TIMED_OUT, backend + " did not answer within " + millis + " ms", -1, null);
    }

    public static UpstreamException noResponse(String backend, String what) {
        return new UpstreamException(502, Kind.NO_RESPONSE, backend + " " + what, -1, null);
    }

    public static UpstreamException badResponse(String backend, String what) {
        return new UpstreamException(502, Kind.BAD_RESPONSE, backend + " " + what, -1, null);
    }

    public static UpstreamException abandoned(String backend) {
        return new UpstreamException(502, Kind.ABANDONED,
                backend + " call abandoned: the client closed its connection", -1, null);
    }

    /** The HTTP status the client gets: 502, 503 or 504. */
    public int status() {
        return status;
    }

    public Kind kind() {
        return kind;
    }

    /** True when the backend never saw the request, so sending it elsewhere is always safe. */
    public boolean beforeRequestSent() {
        return kind == Kind.CONNECT_FAILED || kind == Kind.TLS_HANDSHAKE;
    }

    /** Seconds for a {@code Retry-After} header, or -1 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
