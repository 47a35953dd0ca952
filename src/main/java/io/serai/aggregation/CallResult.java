package io.serai.aggregation;

import com.fasterxml.jackson.databind.JsonNode;

/** How one backend call of an aggregation ended: its JSON, or why it has none. */
record CallResult(String name, CallOptions options, JsonNode body, String failure, boolean timedOut) {

    static CallResult answered(String name, CallOptions options, JsonNode body) {
        return new CallResult(name, options, body, null, false);
    }

    static CallResult failed(String name, CallOptions options, String failure, boolean timedOut) {
        return new CallResult(name, options, null, failure, timedOut);
    }

    boolean ok() {
        return body != null;
    }
}
