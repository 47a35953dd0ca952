package io.serai.caching;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Which directives govern Serai's storing and freshness of a response (RFC 9213 section 2.2): the first
 * targeted field on Serai's target list (its own field, then {@code CDN-Cache-Control}) that is a valid,
 * non-empty Structured Field dictionary; then {@code Cache-Control} and {@code Expires} are ignored.
 * When none is valid, {@code Cache-Control} and {@code Expires} count as usual. Only the cache reads
 * targeted fields: what goes to clients keeps its own {@code Cache-Control}.
 */
final class TargetedControl {

    static final String CDN_CACHE_CONTROL = "CDN-Cache-Control";
    static final String DEFAULT_OWN_FIELD = "Serai-Cache-Control";
    static final TargetedControl DEFAULT = new TargetedControl(DEFAULT_OWN_FIELD);

    /** The directives in force, and the Expires that counts (null when a targeted field set it aside). */
    record Directives(CacheControl control, String expires, boolean targeted) {}

    /** Directives whose value is delta-seconds: an sf-integer there, nothing else. */
    private static final Set<String> WITH_SECONDS =
            Set.of("max-age", "s-maxage", "stale-while-revalidate", "stale-if-error");
    /** Directives that may name fields in a string. */
    private static final Set<String> QUALIFIABLE = Set.of("private", "no-cache");
    /** Directives that are a Boolean (true, or ?0 for absent), or a string for {@link #QUALIFIABLE}. */
    private static final Set<String> FLAGS =
            Set.of("no-store", "no-cache", "private", "public", "must-revalidate", "proxy-revalidate", "immutable");

    private final List<String> targets;

    TargetedControl(String ownField) {
        this.targets = List.of(ownField, CDN_CACHE_CONTROL);
    }

    String ownField() {
        return targets.get(0);
    }

    /** The directives for a response whose fields {@code field} gives (all lines joined, or null). */
    Directives of(UnaryOperator<String> field) {
        for (String target : targets) {
            CacheControl control = fromDictionary(StructuredDictionary.parse(field.apply(target)));
            if (control != null) {
                return new Directives(control, null, true);
            }
        }
        return new Directives(CacheControl.parse(field.apply("Cache-Control")), field.apply("Expires"), false);
    }

    Directives of(Map<String, Object> headers) {
        return of(name -> MessageFields.joined(headers, name));
    }

    /**
     * A dictionary's members as cache directives, or null when there is no valid, non-empty one. A
     * known directive whose value has the wrong type ({@code max-age="60"}, {@code no-store=1},
     * {@code private=set-cookie}) makes the whole field invalid, so the next field on the list (in the
     * end Cache-Control) applies: dropping the member alone would let a mistyped {@code no-store} set
     * aside a Cache-Control that says {@code no-store}. A string on {@code private} or {@code no-cache}
     * (a field name) counts as the unqualified directive, as in Cache-Control. Unknown members, of any
     * type, are ignored.
     */
    static CacheControl fromDictionary(Map<String, Object> members) {
        if (members == null || members.isEmpty()) {
            return null;
        }
        StringBuilder directives = new StringBuilder();
        for (Map.Entry<String, Object> member : members.entrySet()) {
            Object value = member.getValue();
            String name = member.getKey();
            if (WITH_SECONDS.contains(name)) {
                if (!(value instanceof Long seconds) || seconds < 0) {
                    return null;
                }
                append(directives, name + "=" + seconds);
            } else if (FLAGS.contains(name)) {
                if (!(value instanceof Boolean) && !(value instanceof String && QUALIFIABLE.contains(name))) {
                    return null;
                }
                if (!Boolean.FALSE.equals(value)) {
                    append(directives, name);
                }
            }
        }
        return CacheControl.parse(directives.toString());
    }

    private static void append(StringBuilder directives, String directive) {
        if (directives.length() > 0) {
            directives.append(", ");
        }
        directives.append(directive);
    }
}
