package io.serai.tracing;

/**
 * {@code serai.cache.result} from the answer's Cache-Status (RFC 9211): Serai's member, the last, as
 * {@code hit} or {@code fwd=<reason>} ({@code fwd=miss}, {@code fwd=stale}, {@code fwd=bypass}, ...).
 */
final class CacheResults {

    private CacheResults() {}

    static String of(Object cacheStatus) {
        String text = cacheStatus instanceof Iterable<?> values ? last(values) : cacheStatus.toString();
        int ours = text.lastIndexOf(", ");
        String member = ours >= 0 ? text.substring(ours + 2) : text;
        for (String param : member.split(";")) {
            String p = param.trim();
            if (p.equals("hit") || p.startsWith("fwd=")) {
                return p;
            }
        }
        return member;
    }

    private static String last(Iterable<?> values) {
        String last = "";
        for (Object v : values) {
            last = String.valueOf(v);
        }
        return last;
    }
}
