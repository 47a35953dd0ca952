package io.serai.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request exactly as a test backend read it off the wire: target unparsed, header case and order kept,
 * and the number of the backend connection it came on (1 for the first accepted).
 */
public record RecordedRequest(
        String method,
        String target,
        String version,
        List<Map.Entry<String, String>> headers,
        byte[] body,
        int connection) {

    /** First value of a header, by case-insensitive name, or null. */
    public String header(String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    public List<String> headerNames() {
        return headers.stream().map(h -> h.getKey().toLowerCase(Locale.ROOT)).toList();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
