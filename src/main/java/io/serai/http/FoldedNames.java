package io.serai.http;

import java.util.Locale;

/**
 * Field names as many backends read them: case folded and {@code _} taken for {@code -}. CGI and the
 * servers built on it (PHP, WSGI, Rack) turn both {@code X-User-Id} and {@code X_User_Id} into
 * {@code HTTP_X_USER_ID}, so a client's {@code X_User_Id} can pose as a field Serai sets. Compared
 * char by char, with no copy and no regex, because it runs on the event loop.
 */
public final class FoldedNames {

    private FoldedNames() {}

    /** {@code name} folded: lower case, {@code _} as {@code -}. */
    public static String fold(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether {@code name} folds to {@code folded} (which {@link #fold} made). */
    public static boolean matches(CharSequence name, String folded) {
        int length = folded.length();
        if (name.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (folded(name.charAt(i)) != folded.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code name} has an {@code _}: then it is not the canonical spelling of a field Serai sets. */
    public static boolean hasUnderscore(CharSequence name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '_') {
                return true;
            }
        }
        return false;
    }

    private static char folded(char c) {
        if (c >= 'A' && c <= 'Z') {
            return (char) (c + ('a' - 'A'));
        }
        return c == '_' ? '-' : c;
    }
}
