package io.serai.caching;

import java.util.Locale;
import java.util.Set;

/**
 * Purge tags a backend gives a response: {@code Surrogate-Key} (space-separated, as Fastly and
 * Varnish's xkey read it) and {@code Cache-Tag} (comma-separated, as Cloudflare reads it). They are kept
 * with the stored response for {@code DELETE /cache?tag=...} and never reach a client.
 */
final class CacheTags {

    static final String SURROGATE_KEY = "Surrogate-Key";
    static final String CACHE_TAG = "Cache-Tag";

    private CacheTags() {}

    /**
     * True when {@code stored} carried one of {@code tags}: a {@code Surrogate-Key} token compared exactly
     * (as Fastly and xkey do), a {@code Cache-Tag} token without regard to case (as Cloudflare does);
     * {@code lowerTags} is {@code tags} in lower case, made once per purge rather than once per entry.
     */
    static boolean carriesAny(StoredResponse stored, Set<String> tags, Set<String> lowerTags) {
        String[] fields = stored.fields;
        for (int i = 0; i + 1 < fields.length; i += 2) {
            if (fields[i].equalsIgnoreCase(SURROGATE_KEY)) {
                if (anyToken(fields[i + 1], false, tags)) {
                    return true;
                }
            } else if (fields[i].equalsIgnoreCase(CACHE_TAG)
                    && anyToken(fields[i + 1].toLowerCase(Locale.ROOT), true, lowerTags)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a token of {@code value} is in {@code tags}: tokens end at whitespace, and also at commas
     * when {@code commas}. A loop rather than a regular expression: a purge runs this on every entry.
     */
    private static boolean anyToken(String value, boolean commas, Set<String> tags) {
        int length = value.length();
        int i = 0;
        while (i < length) {
            while (i < length && isSeparator(value.charAt(i), commas)) {
                i++;
            }
            int start = i;
            while (i < length && !isSeparator(value.charAt(i), commas)) {
                i++;
            }
            if (i > start && tags.contains(value.substring(start, i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSeparator(char c, boolean commas) {
        return c == ' ' || c == '\t' || (commas && c == ',');
    }
}
