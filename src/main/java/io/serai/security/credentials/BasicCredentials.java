package io.serai.security.credentials;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The user and password of an {@code Authorization: Basic} header (RFC 7617), decoded as UTF-8 (the
 * charset the challenge announces). The user ends at the first ':'; the password may contain ':'.
 */
public record BasicCredentials(String user, String password) {

    /** What {@link #parse} returns for a Basic header that does not decode to user:password. */
    public static final BasicCredentials MALFORMED = new BasicCredentials(null, null);

    private static final String SCHEME = "Basic";

    /** The credentials in {@code authorization}, null when there is no Basic header, or {@link #MALFORMED}. */
    public static BasicCredentials parse(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.length() <= SCHEME.length()
                || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || value.charAt(SCHEME.length()) != ' ') {
            return null;
        }
        String encoded = value.substring(SCHEME.length() + 1).trim();
        if (!isBase64(encoded)) {
            return MALFORMED;
        }
        String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return MALFORMED;
        }
        return new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    /** Checked first so that a malformed header costs no exception. */
    private static boolean isBase64(String s) {
        int n = s.length();
        if (n == 0 || n % 4 != 0) {
            return false;
        }
        int padding = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
        for (int i = 0; i < n - padding; i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "BasicCredentials[user=" + user + "]";
    }
}
