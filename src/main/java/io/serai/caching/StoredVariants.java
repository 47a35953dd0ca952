package io.serai.caching;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The responses stored for one URL of one route and host, newest first: one per secondary key
 * (RFC 9111 section 4.1). Immutable; storing makes a new list that replaces the old in the cache.
 */
final class StoredVariants {

    /** More variants than this for one URL (a Vary on a field with many values) drops the oldest. */
    static final int MAX_VARIANTS = 16;

    final List<StoredResponse> responses;
    final int weight;

    private StoredVariants(List<StoredResponse> responses) {
        this.responses = List.copyOf(responses);
        long w = 0;
        for (StoredResponse r : responses) {
            w += r.weight;
        }
        this.weight = (int) Math.min(Integer.MAX_VALUE, w);
    }

    static StoredVariants of(StoredResponse response) {
        return new StoredVariants(List.of(response));
    }

    /** The newest stored response this request may use: same Vary values; a GET never gets a HEAD's. */
    StoredResponse select(Map<String, Object> requestHeaders, boolean head) {
        for (StoredResponse r : responses) {
            if ((head || !r.headOnly) && r.vary.matches(requestHeaders)) {
                return r;
            }
        }
        return null;
    }

    /** This list with {@code response} in front, replacing any stored under the same secondary key. */
    StoredVariants with(StoredResponse response) {
        List<StoredResponse> next = new ArrayList<>(responses.size() + 1);
        next.add(response);
        for (StoredResponse r : responses) {
            boolean sameKey = r.headOnly == response.headOnly && r.vary.equals(response.vary);
            if (!sameKey && next.size() < MAX_VARIANTS) {
                next.add(r);
            }
        }
        return new StoredVariants(next);
    }

    /** This list with {@code old} replaced by {@code updated}; unchanged when {@code old} is gone. */
    StoredVariants replacing(StoredResponse old, StoredResponse updated) {
        List<StoredResponse> next = new ArrayList<>(responses);
        int at = next.indexOf(old);
        if (at < 0) {
            return this;
        }
        next.set(at, updated);
        return new StoredVariants(next);
    }

    /**
     * How long this entry is worth keeping, in milliseconds: until its freshest response is stale and
     * past its stale-while-revalidate and stale-if-error windows and {@code staleRetention}, during
     * which it can still be revalidated or given to clients that accept stale responses.
     */
    long retention(long now, long staleRetention) {
        long keep = 0;
        for (StoredResponse r : responses) {
            long window = Math.max(Math.max(r.control.staleWhileRevalidate(), r.control.staleIfError()), 0) * 1000;
            keep = Math.max(keep, r.lifetime - r.age(now) + Math.max(window, staleRetention));
        }
        return keep;
    }
}
