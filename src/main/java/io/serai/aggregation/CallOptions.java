package io.serai.aggregation;

import io.serai.settings.SettingValues;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one backend call of an aggregation is merged, given as options on its {@code to: netty-http:...}
 * URI, as KrakenD configures each backend of an endpoint:
 * {@code group} (put the body under this key instead of merging its fields), {@code target} (take only
 * this dotted sub-object), {@code allow} / {@code deny} (dotted fields to keep or drop),
 * {@code mapping} (renames, {@code old:new,...}) and {@code required} (its failure fails the request).
 * How the call itself is made ({@code query}, {@code callTimeout}) is the upstream's
 * {@link io.serai.upstream.BackendCallOptions}.
 */
public record CallOptions(
        String group,
        String target,
        List<String> allow,
        List<String> deny,
        Map<String, String> mapping,
        boolean required) {

    /** Exchange property by which a call's options reach the aggregation strategy. */
    public static final String PROPERTY = "seraiCall";

    public static final CallOptions NONE = new CallOptions(null, null, List.of(), List.of(), Map.of(), false);

    /** Takes the call options out of an endpoint's parameters; a bad value fails the route, naming it. */
    public static CallOptions take(Map<String, Object> parameters) {
        String group = text(parameters.remove("group"));
        String target = text(parameters.remove("target"));
        List<String> allow = list(parameters.remove("allow"));
        List<String> deny = list(parameters.remove("deny"));
        Map<String, String> mapping = mapping(parameters.remove("mapping"));
        Object required = parameters.remove("required");
        if (group == null
                && target == null
                && allow.isEmpty()
                && deny.isEmpty()
                && mapping.isEmpty()
                && required == null) {
            return NONE;
        }
        if (required != null && !"true".equals(required.toString()) && !"false".equals(required.toString())) {
            throw new IllegalArgumentException(
                    "netty-http option required=" + required + " is invalid: expected true or false");
        }
        return new CallOptions(
                group, target, allow, deny, mapping, required != null && "true".equals(required.toString()));
    }

    /** Whether this call has merge options of its own. */
    public boolean aggregates() {
        return this != NONE;
    }

    private static String text(Object value) {
        return value == null || value.toString().isBlank()
                ? null
                : value.toString().trim();
    }

    private static List<String> list(Object value) {
        return SettingValues.list(text(value));
    }

    private static Map<String, String> mapping(Object value) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : list(value)) {
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new IllegalArgumentException("netty-http option mapping=" + value
                        + " is invalid: expected old:new pairs separated by commas");
            }
            m.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
        }
        return m;
    }
}
