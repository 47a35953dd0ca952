package io.serai.caching;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * Purge tags a backend gives a response: {@code Surrogate-Key} (space-separated, as Fastly and
 * Varnish's xkey read it) and {@code Cache-Tag} (comma-separated, as Cloudflare reads it). They are kept
 * with the stored response for {@code DELETE /cache?tag=...} and never reach a client.
 */
final class CacheTags {

    static final String SURROGATE_KEY = "Surrogate-Key";
    static final String CACHE_TAG = "Cache-Tag";

    private CacheTags() {}

    static boolean isTagField(String name) {
        return name.equalsIgnoreCase(SURROGATE_KEY) || name.equalsIgnoreCase(CACHE_TAG);
    }

    /** Removes the tag fields from a response about to go to a client. */
    static void strip(Map<String, Object> headers) {
        headers.remove(SURROGATE_KEY);
        headers.remove(CACHE_TAG);
    }

    /** True when {@code stored} carried one of {@code tags} (compared exactly, as Fastly does). */
    static boolean carriesAny(StoredResponse stored, Collection<String> tags) {
        String[] fields = stored.fields;
        for (int i = 0; i + 1 < fields.length; i += 2) {
            String name = fields[i].toLowerCase(Locale.ROOT);
            String separators = name.equals("surrogate-key") ? "\\s+" : name.equals("cache-tag") ? "\\s*,\\s*" : null;
            if (separators == null) {
                continue;
            }
            for (String tag : fields[i + 1].trim().split(separators)) {
                if (!tag.isEmpty() && tags.contains(tag)) {
                    return true;
                }
            }
        }
        return false;
    }
}
