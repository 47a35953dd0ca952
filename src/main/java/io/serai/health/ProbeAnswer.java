package io.serai.health;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * A backend's answer to a probe: its status, its header fields (names in lower case, the first value of
 * each; an HTTP/2 answer's trailer fields among them, as gRPC's status comes there) and its body, at most
 * {@link #MAX_BODY} bytes, as text and as the bytes that came (a gRPC health answer is binary).
 */
public record ProbeAnswer(int status, Map<String, String> headers, String body, byte[] content) {

    /** A longer answer is a failed probe: health and load URLs answer a line or two. */
    public static final int MAX_BODY = 64 * 1024;

    public ProbeAnswer {
        headers = Map.copyOf(headers);
    }

    /** An answer whose body is {@code body}'s UTF-8. */
    public ProbeAnswer(int status, Map<String, String> headers, String body) {
        this(status, headers, body, body.getBytes(StandardCharsets.UTF_8));
    }

    /** The first value of the header field {@code name}, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
