package io.serai.http;

/**
 * A backend could not give a usable response. Travels on the exchange (so failover and circuit
 * breakers see it) and is answered to the client with {@link #status()} and a one-line reason.
 * {@link #kind()} says how far the call got, which decides whether another member may be tried.
 * The message names the backend and what the network said, for the log; {@link #reason(boolean)}
 * gives the client only the failure and Serai's own words unless {@code serai.errors.verbose} is set,
 * since backend host names and addresses are the inside of the network.
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
        UNAVAILABLE,
        /**
         * The client's request body could not be sent: larger than {@code serai.limits.max-body}, or no longer
         * kept for another try (past {@code serai.stream.replay-buffer}): not the backend's fault.
         */
        REQUEST_BODY;

        /** The name metrics ({@code kind}) and the access log ({@code error}) give this kind: {@code connect_failed}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final String BACKEND = "the backend";

    private final int status;
    private final Kind kind;
    private final long retryAfterSeconds;
    private final String clientReason;

    /** {@code reason} names no backend: the client may read it as it is. */
    public UpstreamException(int status, Kind kind, String reason, long retryAfterSeconds, Throwable cause) {
        this(status, kind, reason, reason, retryAfterSeconds, cause);
    }

    /**
     * @param reason       the whole reason, backend named, for the log (and for clients with
     *                     {@code serai.errors.verbose=true})
     * @param clientReason the same without the backend's name or address
     */
    public UpstreamException(
            int status, Kind kind, String reason, String clientReason, long retryAfterSeconds, Throwable cause) {
        super(reason, cause, false, false);
        this.status = status;
        this.kind = kind;
        this.clientReason = clientReason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static UpstreamException connectFailed(String backend, Throwable cause) {
        // The network's own words (Netty's "Connection refused: /10.0.1.5:9000") go to the log only.
        String why = cause == null || cause.getMessage() == null ? "connection failed" : cause.getMessage();
        return new UpstreamException(
                502,
                Kind.CONNECT_FAILED,
                "could not connect to " + backend + " (" + why + ")",
                "could not connect to " + BACKEND,
                -1,
                cause);
    }

    public static UpstreamException connectTimedOut(String backend, long millis) {
        String within = " within " + millis + " ms";
        return new UpstreamException(
                502,
                Kind.CONNECT_FAILED,
                "could not connect to " + backend + within,
                "could not connect to " + BACKEND + within,
                -1,
                null);
    }

    /**
     * @param why       a short reason, such as what was wrong with the backend's certificate
     * @param clientWhy the same without the backend's name
     */
    public static UpstreamException tlsHandshakeFailed(String backend, String why, String clientWhy) {
        return new UpstreamException(
                502,
                Kind.TLS_HANDSHAKE,
                "TLS handshake with " + backend + " failed: " + why,
                "TLS handshake with " + BACKEND + " failed: " + clientWhy,
                -1,
                null);
    }

    public static UpstreamException timedOut(String backend, long millis) {
        String what = " did not answer within " + millis + " ms";
        return new UpstreamException(504, Kind.TIMED_OUT, backend + what, BACKEND + what, -1, null);
    }

    /** {@code what}: Serai's own words for what happened, such as "closed the connection before ...". */
    public static UpstreamException noResponse(String backend, String what) {
        return new UpstreamException(502, Kind.NO_RESPONSE, backend + " " + what, BACKEND + " " + what, -1, null);
    }

    /** The connection failed before a response began; {@code cause}'s message goes to the log only. */
    public static UpstreamException noResponse(String backend, Throwable cause) {
        return new UpstreamException(
                502,
                Kind.NO_RESPONSE,
                backend + " failed: " + describe(cause),
                "the connection to " + BACKEND + " failed before a response",
                -1,
                null);
    }

    /** {@code what}: Serai's own words for what was wrong, such as "sent an invalid HTTP response". */
    public static UpstreamException badResponse(String backend, String what) {
        return new UpstreamException(502, Kind.BAD_RESPONSE, backend + " " + what, BACKEND + " " + what, -1, null);
    }

    /** The connection failed during the response; {@code cause}'s message goes to the log only. */
    public static UpstreamException badResponse(String backend, Throwable cause) {
        return new UpstreamException(
                502,
                Kind.BAD_RESPONSE,
                backend + " failed: " + describe(cause),
                "the connection to " + BACKEND + " failed during the response",
                -1,
                null);
    }

    /** The request's body went past {@code serai.limits.max-body} while it streamed: 413. */
    public static UpstreamException requestTooLarge(long limit) {
        String what = "request body larger than serai.limits.max-body (" + limit + " bytes)";
        return new UpstreamException(413, Kind.REQUEST_BODY, what, what, -1, null);
    }

    /** The request's body, as it streamed, was not what it said it was ({@code why}): 400. */
    public static UpstreamException malformedRequestBody(String why) {
        return new UpstreamException(400, Kind.REQUEST_BODY, why, why, -1, null);
    }

    /** Part of the body went to an earlier try and is no longer kept, so this try cannot send it again. */
    public static UpstreamException bodyNotResent(String backend, String why) {
        String what = "request not sent again: " + why + " (serai.stream.replay-buffer)";
        return new UpstreamException(502, Kind.REQUEST_BODY, backend + ": " + what, what, -1, null);
    }

    public static UpstreamException abandoned(String backend) {
        String what = " call abandoned: the client closed its connection";
        return new UpstreamException(502, Kind.ABANDONED, backend + what, BACKEND + what, -1, null);
    }

    private static String describe(Throwable cause) {
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /**
     * What the client is told: the whole message when {@code verbose}, otherwise the failure in Serai's
     * words without the backend's name or address.
     */
    public String reason(boolean verbose) {
        return verbose ? getMessage() : clientReason;
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
