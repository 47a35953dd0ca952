package io.serai.http;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every request gets an {@code X-Request-Id} that the backend receives and the access log records:
 * the client's own when it is a sane token (1 to 128 of letters, digits, '.', '_', '-'), otherwise a
 * new random one. Not a secret, so a fast random source is enough.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    /** Exchange property holding the request's id. */
    public static final String PROPERTY = "seraiRequestId";

    private RequestIds() {}

    /** Keeps a valid client id or replaces it; returns the id. */
    public static String assign(Map<String, Object> headers) {
        Object given = headers.get(HEADER);
        if (given instanceof String id && valid(id)) {
            return id;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String id = hex(random.nextLong()) + hex(random.nextLong());
        headers.remove(HEADER);
        headers.put(HEADER, id);
        return id;
    }

    static boolean valid(String id) {
        if (id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String hex(long v) {
        String h = Long.toHexString(v);
        return "0".repeat(16 - h.length()) + h;
    }
}
