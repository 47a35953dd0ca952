package io.serai.upstream;

import io.serai.settings.SettingValues;

import java.time.Duration;
import java.util.Map;

/**
 * How one call to a backend is made, from the options on its {@code to: netty-http:...} URI:
 * {@code query} (the backend's query, with {@code {param}} from the request path) and
 * {@code callTimeout} (this call's own time limit). A call that is merged into an aggregation
 * ({@code merged}) takes its answer whole and asks only for encodings Serai decodes.
 */
public record BackendCallOptions(String query, Duration callTimeout, boolean merged) {

    public static final BackendCallOptions PLAIN = new BackendCallOptions(null, null, false);

    /**
     * Takes {@code query} and {@code callTimeout} out of an endpoint's parameters; a call with either is
     * an aggregation's call, as is one with merge options of its own ({@code hasMergeOptions}).
     */
    public static BackendCallOptions take(Map<String, Object> parameters, boolean hasMergeOptions) {
        Object query = parameters.remove("query");
        Object timeout = parameters.remove("callTimeout");
        String q = query == null || query.toString().isBlank()
                ? null
                : query.toString().trim();
        Duration limit =
                timeout == null ? null : SettingValues.duration("netty-http option callTimeout", timeout.toString());
        boolean merged = hasMergeOptions || q != null || timeout != null;
        return merged ? new BackendCallOptions(q, limit, true) : PLAIN;
    }
}
