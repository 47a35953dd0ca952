package io.serai.caching;

import io.serai.http.HopByHopHeaders;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads HTTP fields out of a Camel message's header map, where a repeated field is a list. */
final class MessageFields {

    private MessageFields() {}

    /** All lines of field {@code name} joined with ", " (RFC 9110 section 5.3), or null when absent. */
    static String joined(Map<String, Object> headers, String name) {
        Object value = headers.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Iterable<?> values) {
            StringBuilder out = new StringBuilder();
            for (Object v : values) {
                if (out.length() > 0) {
                    out.append(", ");
                }
                out.append(v);
            }
            return out.toString();
        }
        return value.toString();
    }

    /** The HTTP fields of a message as name, value pairs in order, without Camel's own headers. */
    static List<String> pairs(Map<String, Object> headers) {
        List<String> out = new ArrayList<>(headers.size() * 2);
        for (Map.Entry<String, Object> header : headers.entrySet()) {
            String name = header.getKey();
            if (HopByHopHeaders.isCamelInternal(name) || HopByHopHeaders.isAlwaysHopByHop(name)) {
                continue;
            }
            Object value = header.getValue();
            if (value instanceof Iterable<?> values) {
                for (Object v : values) {
                    out.add(name);
                    out.add(String.valueOf(v));
                }
            } else if (value != null) {
                out.add(name);
                out.add(value.toString());
            }
        }
        return out;
    }
}
