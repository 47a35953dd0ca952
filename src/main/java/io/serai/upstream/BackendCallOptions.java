package io.serai.upstream;

import io.serai.settings.SettingValues;

import java.time.Duration;
import java.util.Map;

/**
 * How one call to a backend is made, from the options on its {@code to: netty-http:...} URI:
 * {@code query} (the backend's query, with {@code {param}} from the request path) and
 * {@code callTimeout} (this call's own time limit). A call with merge options of its own ({@code merged}),
 * or any call made inside a multicast ({@link #isMerged}), has its answer merged: it takes the answer whole
 * and asks only for encodings Serai decodes. {@code query} and {@code callTimeout} alone change how the call
 * is made, not what becomes of its answer: on a plain call the client's {@code Accept-Encoding} is kept.
 */
public record BackendCallOptions(String query, Duration callTimeout, boolean merged) {

    public static final BackendCallOptions PLAIN = new BackendCallOptions(null, null, false);

    /**
     * Takes {@code query} and {@code callTimeout} out of an endpoint's parameters; {@code hasMergeOptions} says
     * the call has merge options of its own.
     */
    public static BackendCallOptions take(Map<String, Object> parameters, boolean hasMergeOptions) {
        Object query = parameters.remove("query");
        Object timeout = parameters.remove("callTimeout");
        String q = query == null || query.toString().isBlank()
                ? null
                : query.toString().trim();
        Duration limit =
                timeout == null ? null : SettingValues.duration("netty-http option callTimeout", timeout.toString());
        if (!hasMergeOptions && q == null && limit == null) {
            return PLAIN;
        }
        return new BackendCallOptions(q, limit, hasMergeOptions);
    }

    /** Whether this call's answer in {@code exchange} is merged: its own merge options, or a multicast's copy. */
    public boolean isMerged(org.apache.camel.Exchange exchange) {
        return merged || exchange.getProperty(org.apache.camel.ExchangePropertyKey.CORRELATION_ID) != null;
    }
}
