package io.serai.health;

import java.util.Locale;
import java.util.Map;

/**
 * A backend's answer to a probe: its status, its header fields (names in lower case, the first value of
 * each) and its body as text, at most {@link #MAX_BODY} bytes.
 */
public record ProbeAnswer(int status, Map<String, String> headers, String body) {

    /** A longer answer is a failed probe: health and load URLs answer a line or two. */
    public static final int MAX_BODY = 64 * 1024;

    public ProbeAnswer {
        headers = Map.copyOf(headers);
    }

    /** The first value of the header field {@code name}, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
