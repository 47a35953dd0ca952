package io.serai.metrics;

import io.serai.http.body.BodyStream;
import io.serai.http.body.CutShort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a streamed response body ended short, as {@code serai_stream_failures_total} names it, and its one
 * log line: a warning when the backend failed, less when the client left.
 */
final class StreamFailures {

    private static final Logger LOG = LoggerFactory.getLogger(StreamFailures.class);

    private StreamFailures() {}

    /** How {@code body} ended short ({@link CutShort#kind}), null when it did not. */
    static String kind(BodyStream body) {
        return CutShort.kind(body);
    }

    /** Logs, once, a response that {@link #kind} says ended short. */
    static void log(String route, String kind, BodyStream body) {
        long bytes = body.bytes();
        switch (kind) {
            case "client-gone" -> LOG.debug("route {}: the client left after {} bytes of the response", route, bytes);
            case "client-write-timeout" ->
                LOG.info(
                        "route {}: response cut short after {} bytes: {}",
                        route,
                        bytes,
                        body.cancelReason().getMessage());
            case "read-idle" ->
                LOG.warn(
                        "route {}: response cut short after {} bytes: {} " + "(serai.upstream.read-idle-timeout)",
                        route,
                        bytes,
                        body.failure().getMessage());
            default ->
                LOG.warn("route {}: response cut short after {} bytes: {}", route, bytes, describe(body.failure()));
        }
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() != null
                ? failure.getMessage()
                : failure.getClass().getSimpleName();
    }
}
