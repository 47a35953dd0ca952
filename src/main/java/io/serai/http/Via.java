package io.serai.http;

import java.util.List;

/**
 * The Via field (RFC 9110 §7.6.3) each hop appends to, requests and responses alike, and the one rule of
 * appending to a field that may already hold a list: ", " between entries, an empty field replaced.
 */
public final class Via {

    private Via() {}

    /** One Via entry, e.g. "1.1 serai" for an HTTP/1.1 message. */
    public static String entry(String protocolVersion, String viaName) {
        return protocolVersion + " " + viaName;
    }

    /** {@code value} appended to a field's existing value (null, text or a list of values). */
    public static String appended(Object existing, String value) {
        if (existing == null) {
            return value;
        }
        if (existing instanceof List<?> list) {
            StringBuilder joined = new StringBuilder();
            for (Object item : list) {
                joined.append(item).append(", ");
            }
            return joined.append(value).toString();
        }
        String text = existing.toString();
        return text.isBlank() ? value : text + ", " + value;
    }
}
