package io.serai.http.body;

/**
 * How a streamed response body ended short, as {@code serai_stream_failures_total}, the access log's
 * {@code error} and a server span's {@code error.type} name it.
 */
public final class CutShort {

    private CutShort() {}

    /**
     * {@code read-idle}, {@code truncated}, {@code backend-reset}, {@code client-write-timeout} or
     * {@code client-gone}; null when the body did not end short.
     */
    public static String kind(BodyStream body) {
        Throwable failure = body.failure();
        if (failure instanceof BodyIdleException) {
            return "read-idle";
        }
        if (failure instanceof TruncatedBodyException) {
            return "truncated";
        }
        if (failure != null) {
            return "backend-reset";
        }
        if (!body.isCancelled()) {
            return null;
        }
        return body.cancelReason() instanceof ClientStalledException ? "client-write-timeout" : "client-gone";
    }
}
