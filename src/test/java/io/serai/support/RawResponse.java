package io.serai.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** A response as read off the wire: header case and order kept, duplicates kept. */
public record RawResponse(String version, int status, List<Map.Entry<String, String>> headers, byte[] body) {

    public String header(String name) {
        return HttpWire.header(headers, name);
    }

    public List<String> headers(String name) {
        return headers.stream()
                .filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .toList();
    }

    public boolean hasHeader(String name) {
        return header(name) != null;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
