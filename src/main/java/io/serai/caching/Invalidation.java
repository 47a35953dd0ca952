package io.serai.caching;

import io.serai.http.ResponseStatus;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Requests other than GET and HEAD go to the backend unchanged. When one whose method is not known to
 * be safe succeeds, what is stored for its URL, and for its Location and Content-Location on the same
 * host, is dropped (RFC 9111 section 4.4), here and, in shared mode, on the other replicas.
 */
final class Invalidation {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final HttpCacheStore store;
    private final String route;
    private final String name;

    Invalidation(HttpCacheStore store, String route, String name) {
        this.store = store;
        this.route = route;
        this.name = name;
    }

    boolean passThrough(
            AsyncProcessor next, Exchange exchange, AsyncCallback callback, String method, String host, String target) {
        boolean unsafe = !SAFE.contains(method);
        return next.process(exchange, doneSync -> {
            try {
                if (exchange.getException() == null) {
                    Message message = exchange.getMessage();
                    int status = ResponseStatus.of(message);
                    if (unsafe && status >= 200 && status < 400) {
                        invalidate(host, target, message);
                    }
                    CachedAnswers.addStatus(message, CacheStatus.forwarded(name, "method"));
                }
            } finally {
                callback.done(doneSync);
            }
        });
    }

    private void invalidate(String host, String target, Message response) {
        List<String> targets = new ArrayList<>(3);
        targets.add(target);
        for (String field : new String[] {"Location", "Content-Location"}) {
            String other = sameHostTarget(host, target, MessageFields.joined(response.getHeaders(), field));
            if (other != null) {
                targets.add(other);
            }
        }
        if (host != null) {
            // Before the local entries go: a request that misses here afterwards must not find them again
            // in the shared tier, nor another replica before it drops them.
            store.announce(CacheInvalidation.urls(route, host, targets));
        }
        for (String each : targets) {
            store.invalidate(HttpCacheStore.key(route, host, each));
        }
    }

    /** The path and query {@code reference} names when it is on {@code host}; null otherwise. */
    static String sameHostTarget(String host, String target, String reference) {
        if (reference == null || host == null) {
            return null;
        }
        try {
            URI resolved = new URI("http://" + host + target).resolve(reference.trim());
            String scheme = resolved.getScheme();
            if (scheme == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || resolved.getRawAuthority() == null
                    || !resolved.getRawAuthority().equalsIgnoreCase(host)) {
                return null;
            }
            String path =
                    resolved.getRawPath() == null || resolved.getRawPath().isEmpty() ? "/" : resolved.getRawPath();
            return resolved.getRawQuery() == null ? path : path + "?" + resolved.getRawQuery();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
