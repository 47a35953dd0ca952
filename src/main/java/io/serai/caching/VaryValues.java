package io.serai.caching;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The request's values of the fields a response's Vary names (RFC 9111 section 4.1): the secondary
 * key a stored response must match. Values are normalized as the RFC allows: lines combined, the
 * whitespace around commas dropped, and Accept-Encoding's codings compared without case.
 */
final class VaryValues {

    /** A stored response without Vary matches every request. */
    static final VaryValues NONE = new VaryValues(Map.of());

    private final Map<String, String> values;

    private VaryValues(Map<String, String> values) {
        this.values = values;
    }

    /** The request's values for each field named in {@code vary}; null for {@code Vary: *}. */
    static VaryValues of(String vary, Map<String, Object> requestHeaders) {
        if (vary == null || vary.isBlank()) {
            return NONE;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : vary.split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals("*")) {
                return null;
            }
            values.put(name, normalized(name, MessageFields.joined(requestHeaders, name)));
        }
        return values.isEmpty() ? NONE : new VaryValues(Collections.unmodifiableMap(values));
    }

    /** The values as {@link SharedEntryFormat} reads them back: field name (lower case) to value or null. */
    static VaryValues restored(Map<String, String> values) {
        return values.isEmpty() ? NONE : new VaryValues(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    }

    /** Field name (lower case) to the request's normalized value, null when it had none; in Vary's order. */
    Map<String, String> values() {
        return values;
    }

    /** True when the request has the same values for every field this stored response varies on. */
    boolean matches(Map<String, Object> requestHeaders) {
        for (Map.Entry<String, String> field : values.entrySet()) {
            String requested = normalized(field.getKey(), MessageFields.joined(requestHeaders, field.getKey()));
            if (!Objects.equals(requested, field.getValue())) {
                return false;
            }
        }
        return true;
    }

    int weight() {
        int w = 0;
        for (Map.Entry<String, String> field : values.entrySet()) {
            w += field.getKey().length()
                    + (field.getValue() == null ? 0 : field.getValue().length());
        }
        return w * 2;
    }

    static String normalized(String name, String value) {
        if (value == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (String item : value.split(",")) {
            String trimmed = item.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(trimmed);
        }
        String joined = out.toString();
        return name.equals("accept-encoding") ? joined.toLowerCase(Locale.ROOT) : joined;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VaryValues other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }
}
