package io.serai.upstream;

/**
 * A backend could not give a usable response. Travels on the exchange (so failover and circuit
 * breakers see it) and is answered to the client with {@link #status()} and a one-line reason.
 */
public class UpstreamException extends Exception {

    private final int status;
    private final boolean beforeRequestSent;

    public UpstreamException(int status, String reason, boolean beforeRequestSent, Throwable cause) {
        super(reason, cause, false, false);
        this.status = status;
        this.beforeRequestSent = beforeRequestSent;
    }

    public static UpstreamException connectFailed(String backend, Throwable cause) {
        String why = cause == null || cause.getMessage() == null ? "connection failed" : cause.getMessage();
        return new UpstreamException(502, "could not connect to " + backend + " (" + why + ")", true, cause);
    }

    public static UpstreamException connectTimedOut(String backend, long millis) {
        return new UpstreamException(502, "could not connect to " + backend + " within " + millis + " ms", true, null);
    }

    public static UpstreamException timedOut(String backend, long millis) {
        return new UpstreamException(504, backend + " did not answer within " + millis + " ms", false, null);
    }

    public static UpstreamException badResponse(String backend, String what) {
        return new UpstreamException(502, backend + " " + what, false, null);
    }

    /** The HTTP status the client gets: 502 or 504. */
    public int status() {
        return status;
    }

    /** True when the backend never saw the request, so sending it elsewhere is always safe. */
    public boolean beforeRequestSent() {
        return beforeRequestSent;
    }
}
