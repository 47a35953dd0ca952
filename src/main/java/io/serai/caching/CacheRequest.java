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

    CacheRequest(Exchange exchange, AsyncCallback callback, String key, boolean head, CacheControl control) {
        this.exchange = exchange;
        this.callback = callback;
        this.key = key;
        this.head = head;
        this.control = control;
    }
}
