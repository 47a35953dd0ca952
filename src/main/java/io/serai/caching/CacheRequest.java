package io.serai.caching;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

import java.util.Map;

/** One GET or HEAD as the cache handles it: where it is stored, what the client asked, and when it went out. */
final class CacheRequest {

    final Exchange exchange;
    final String key;
    final boolean head;
    final CacheControl control;
    AsyncCallback callback;
    /** The request's fields as the backend is about to get them; taken before anything is changed. */
    Map<String, Object> fields;
    /** The stored response being revalidated, or null. */
    StoredResponse validating;

    long sentAt;
    /** Shared routes: Redis was looked in for this request (once is enough). */
    boolean sharedLooked;
    /**
     * Shared routes: the store's invalidation count when this request began; a response fetched across
     * an invalidation is not written to Redis (what Redis answers across one is not kept either).
     */
    long sharedEpoch;
    /** Shared routes: this request holds the URL's lock in Redis, to free once its answer is written. */
    boolean sharedLock;
    /** Shared routes: the answer streams and is written to Redis at its end, when the lock is freed. */
    boolean sharedWritePending;
    /** Shared routes: responses read from Redis for this request, so an answer from one says so. */
    final java.util.Set<StoredResponse> fromShared =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    CacheRequest(Exchange exchange, AsyncCallback callback, String key, boolean head, CacheControl control) {
        this.exchange = exchange;
        this.callback = callback;
        this.key = key;
        this.head = head;
        this.control = control;
    }

    /** From now on the request is answered asynchronously: whoever completes it says so. */
    void detach() {
        AsyncCallback original = callback;
        callback = doneSync -> original.done(false);
    }
}
