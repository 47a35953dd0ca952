package io.serai.metrics;

import io.serai.streaming.BodyIdleException;
import io.serai.streaming.BodyStream;
import io.serai.streaming.TruncatedBodyException;

/** How a streamed response body ended short, as {@code serai_stream_failures_total} names it; null when it did not. */
final class StreamFailures {

    private StreamFailures() {
    }

    static String kind(BodyStream body) {
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
        return body.isCancelled() ? "client-gone" : null;
    }
}
