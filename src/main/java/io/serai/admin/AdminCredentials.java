package io.serai.admin;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The admin token a request presents: {@code Authorization: Bearer <token>} (tools), or the password
 * of {@code Authorization: Basic} (a browser, after its own login prompt; the user name is ignored),
 * so that the status page's own requests carry the token without it ever being in a URL. Written here
 * because the security package's Bearer and Basic parsers are private to its access checks; these few
 * lines are all the admin listener needs.
 */
final class AdminCredentials {

    private AdminCredentials() {}

    /** The token in {@code authorization}, or null when it holds none (absent, another scheme, malformed). */
    static String presented(Object authorization) {
        if (!(authorization instanceof String header)) {
            // Absent, or several Authorization fields: none is taken.
            return null;
        }
        String value = header.strip();
        int space = value.indexOf(' ');
        if (space <= 0) {
            return null;
        }
        String scheme = value.substring(0, space);
        String credentials = value.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return credentials.isEmpty() || credentials.indexOf(' ') >= 0 ? null : credentials;
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(colon + 1);
        }
        return null;
    }
}
