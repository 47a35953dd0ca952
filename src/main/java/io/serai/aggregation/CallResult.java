package io.serai.aggregation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How one backend call of an aggregation ended: its JSON, or why it has none ({@code failure}, what the
 * client may read; {@code detail}, the same with the backend named, for the log).
 */
record CallResult(String name, CallOptions options, JsonNode body, String failure, String detail, boolean timedOut) {

    static CallResult answered(String name, CallOptions options, JsonNode body) {
        return new CallResult(name, options, body, null, null, false);
    }

    /** A failure told in Serai's own words, which name no backend. */
    static CallResult failed(String name, CallOptions options, String failure, boolean timedOut) {
        return new CallResult(name, options, null, failure, failure, timedOut);
    }

    static CallResult failed(String name, CallOptions options, String failure, String detail, boolean timedOut) {
        return new CallResult(name, options, null, failure, detail, timedOut);
    }

    boolean ok() {
        return body != null;
    }
}
