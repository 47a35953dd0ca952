package io.serai.tracing;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * A request's server span as the rest of Serai sees it: events for Serai's own decisions and a client
 * span per backend attempt. Only {@link OtelRequestTrace} implements it, and only when tracing is on; the
 * interface names no OpenTelemetry type, so callers load none while tracing is off.
 */
interface RequestTrace {

    /** An event on the server span; {@code key} and {@code value} may be null for none. */
    void event(String name, String key, String value);

    /**
     * Starts the client span of one call to a backend, child of the server span, and writes its context
     * into {@code outgoing} (removing whatever the client sent in any
     * W3C, baggage or B3 field first).
     */
    UpstreamAttempt attempt(BackendCall call, int resendCount, HttpHeaders outgoing);
}
