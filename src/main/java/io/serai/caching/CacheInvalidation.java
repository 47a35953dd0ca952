package io.serai.caching;

import java.util.List;

/**
 * One invalidation of the HTTP cache, as the store's purge operations know them: the URLs (on one
 * route, or on every route when {@code route} is null), every URL under a prefix, every response
 * carrying a tag, or everything. It is what one replica tells the others (see {@link InvalidationBus}),
 * and each applies it to its own store with {@link #applyTo}.
 *
 * @param kind what is invalidated
 * @param route the user's route id for {@link Kind#URL}, or null for every route
 * @param host the host (authority) of {@link Kind#URL} and {@link Kind#PREFIX}; null otherwise
 * @param values the targets (path and query) of {@link Kind#URL}, the one prefix of {@link Kind#PREFIX},
 *     the tags of {@link Kind#TAG}; empty for {@link Kind#ALL}
 */
public record CacheInvalidation(Kind kind, String route, String host, List<String> values) {

    public enum Kind {
        URL,
        PREFIX,
        TAG,
        ALL
    }

    public CacheInvalidation {
        if (kind == null) {
            throw new IllegalArgumentException("an invalidation needs a kind");
        }
        if ((kind == Kind.URL || kind == Kind.PREFIX) && (host == null || values == null || values.isEmpty())) {
            throw new IllegalArgumentException(kind + " needs a host and a value");
        }
        values = values == null ? List.of() : List.copyOf(values);
    }

    /** The URLs {@code host} + each of {@code targets} on {@code route} (null: on every route). */
    public static CacheInvalidation urls(String route, String host, List<String> targets) {
        return new CacheInvalidation(Kind.URL, route, host, targets);
    }

    public static CacheInvalidation prefix(String host, String prefix) {
        return new CacheInvalidation(Kind.PREFIX, null, host, List.of(prefix));
    }

    public static CacheInvalidation tags(List<String> tags) {
        return new CacheInvalidation(Kind.TAG, null, null, tags);
    }

    public static CacheInvalidation all() {
        return new CacheInvalidation(Kind.ALL, null, null, List.of());
    }

    /** Drops from {@code store} what this invalidation names. */
    public void applyTo(HttpCacheStore store) {
        switch (kind) {
            case URL -> {
                for (String target : values) {
                    if (route == null) {
                        store.invalidateAll(store.keysFor(host, target));
                    } else {
                        store.invalidate(HttpCacheStore.key(route, host, target));
                    }
                }
            }
            case PREFIX -> store.invalidateAll(store.keysUnder(host, values.get(0)));
            case TAG -> store.invalidateAll(store.keysTagged(values));
            case ALL -> store.invalidateAll();
        }
    }
}
