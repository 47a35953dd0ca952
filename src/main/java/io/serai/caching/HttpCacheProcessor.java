package io.serai.caching;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.serai.camel.ExchangeTimers;
import io.serai.camel.MeterRegistries;
import io.serai.camel.WrappedSteps;
import io.serai.http.IngressRequest;
import io.serai.http.InterimResponses;
import io.serai.http.ResponseStatus;
import io.serai.http.body.BodyStream;
import io.serai.websocket.WebSocketUpgrade;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.util.CaseInsensitiveMap;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The shared cache around a route's upstream steps (what {@code policy: {ref: httpCache}} wraps).
 * GET and HEAD are answered from the store when RFC 9111 allows it; otherwise they go to the backend
 * (conditionally when a stale response can be revalidated, one at a time per URL) and the answer is
 * stored when it may be. A GET or HEAD with a body, and a WebSocket handshake, pass through, neither
 * answered nor stored. Unsafe
 * methods pass through and, when they succeed, invalidate what is stored for their URL and its
 * Location and Content-Location. Every answer says what happened in Cache-Status, and none carries
 * Serai's own targeted cache-control field (RFC 9213), which is for this cache alone.
 * <p>
 * Long because: the one flow of a cached request (look up, coalesce, revalidate, store); its rules are classes of their own.
 */
final class HttpCacheProcessor extends WrappedSteps {

    private final String route;
    private final HttpCacheStore store;
    private final CacheSettings settings;
    private final String name;
    private final Flights flights = new Flights();
    private final BackgroundRevalidation background;
    private final Invalidation invalidation;
    private final CamelContext context;
    private final TargetedControl targeting;
    /** The fields for this cache alone, removed from every answer and interim response of the route. */
    private final List<String> cacheOnlyFields;
    /** The Redis tier on a route behind {@code sharedHttpCache} with Redis configured; else null. */
    private final SharedLookups shared;

    HttpCacheProcessor(
            AsyncProcessor next,
            String route,
            HttpCacheStore store,
            CacheSettings settings,
            String name,
            CamelContext context,
            SharedCacheTier tier) {
        super(next);
        this.route = route;
        this.store = store;
        this.settings = settings;
        this.name = name;
        this.background = new BackgroundRevalidation(this);
        this.invalidation = new Invalidation(store, route, name);
        this.context = context;
        this.targeting = new TargetedControl(settings.targetedField());
        this.shared = tier == null ? null : new SharedLookups(this, tier, store, settings, route);
        this.cacheOnlyFields = settings.stripCdnCacheControl()
                ? List.of(
                        targeting.ownField(),
                        CacheTags.SURROGATE_KEY,
                        CacheTags.CACHE_TAG,
                        TargetedControl.CDN_CACHE_CONTROL)
                : List.of(targeting.ownField(), CacheTags.SURROGATE_KEY, CacheTags.CACHE_TAG);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        IngressRequest ingress = IngressRequest.of(exchange);
        if (ingress == null) {
            return next.process(exchange, callback);
        }
        InterimResponses client = InterimResponses.of(exchange);
        if (client != null) {
            // A backend's 103 may carry the same fields as its final answer: they stay behind on it too.
            exchange.setProperty(InterimResponses.PROPERTY, (InterimResponses) (ex, interim, via) -> {
                for (String field : cacheOnlyFields) {
                    interim.headers().remove(field);
                }
                client.forward(ex, interim, via);
            });
        }
        return cached(exchange, ingress, doneSync -> {
            // Serai's own targeted field and the purge tags are for this cache alone: clients never see
            // them, hit, miss or pass-through.
            Map<String, Object> answer = exchange.getMessage().getHeaders();
            for (String field : cacheOnlyFields) {
                answer.remove(field);
            }
            callback.done(doneSync);
        });
    }

    private boolean cached(Exchange exchange, IngressRequest ingress, AsyncCallback callback) {
        Map<String, Object> headers = exchange.getMessage().getHeaders();
        String host = MessageFields.joined(headers, "Host");
        String target = ingress.target().originForm();
        String method = ingress.method().name();
        boolean head = method.equals("HEAD");
        if (!head && !method.equals("GET")) {
            count("method");
            return invalidation.passThrough(next, exchange, callback, method, host, target);
        }
        if (ForwardedResponses.size(exchange.getMessage().getBody()) != 0) {
            count("request-body");
            return bypass(exchange, callback, "request-body");
        }
        if (WebSocketUpgrade.isRequested(exchange)) {
            // A handshake opens a connection of its own: never answered from the store, nor shared with a flight.
            count("websocket");
            return bypass(exchange, callback, "websocket");
        }
        if (asksForEvents(headers)) {
            // A subscription to server-sent events: never answered from the store, never made to wait for
            // another subscriber's stream (coalescing), never kept while it streams.
            count("event-stream");
            return bypass(exchange, callback, "event-stream");
        }
        CacheRequest request = new CacheRequest(
                exchange, callback, HttpCacheStore.key(route, host, target), head, requestControl(headers));
        request.sharedEpoch = store.epoch();
        // A response that may be stored is kept as it streams to the client, up to what a stored one may be.
        exchange.setProperty(IngressRequest.HOLD_RESPONSE_UP_TO, settings.maxObject());
        return lookup(request, true);
    }

    /**
     * A request the cache leaves alone goes to the backend untouched: a GET or HEAD with a body ("fat
     * GET"), whose answer may depend on the body, which the key does not hold; or one that asks for an
     * event stream. It is neither answered from nor stored under its key.
     */
    private boolean bypass(Exchange exchange, AsyncCallback callback, String why) {
        return next.process(exchange, doneSync -> {
            try {
                if (exchange.getException() == null) {
                    CachedAnswers.addStatus(
                            exchange.getMessage(),
                            CacheStatus.forwarded(name, "bypass").detail(why));
                }
            } finally {
                callback.done(doneSync);
            }
        });
    }

    /** True when the request's Accept names {@code text/event-stream} (an EventSource always sends it). */
    private static boolean asksForEvents(Map<String, Object> headers) {
        String accept = MessageFields.joined(headers, "Accept");
        if (accept == null) {
            return false;
        }
        for (String range : accept.split(",")) {
            if (Storability.isEventStream(range)) {
                return true;
            }
        }
        return false;
    }

    /** Cache-Control of the request; {@code Pragma: no-cache} counts as no-cache when there is none. */
    private static CacheControl requestControl(Map<String, Object> headers) {
        String value = MessageFields.joined(headers, "Cache-Control");
        if (value == null) {
            String pragma = MessageFields.joined(headers, "Pragma");
            return pragma != null && pragma.toLowerCase(java.util.Locale.ROOT).contains("no-cache")
                    ? CacheControl.parse("no-cache")
                    : CacheControl.NONE;
        }
        return CacheControl.parse(value);
    }

    /** Answers from the store when it can; otherwise sends the request on, led or waiting for a leader. */
    boolean lookup(CacheRequest request, boolean mayWait) {
        Exchange exchange = request.exchange;
        Map<String, Object> headers = exchange.getMessage().getHeaders();
        long now = store.now();
        StoredVariants variants = store.get(request.key);
        StoredResponse stored = variants == null ? null : variants.select(headers, request.head);
        String reason = variants == null ? "uri-miss" : "vary-miss";
        if (stored != null) {
            long staleness = stored.staleness(now);
            switch (Reuse.of(stored, request.control, now)) {
                case FRESH, STALE_ALLOWED -> {
                    return answered(request, stored, now, CacheStatus.hit(name).ttl(-staleness));
                }
                case STALE_WHILE_REVALIDATE -> {
                    background.start(request, stored);
                    return answered(
                            request,
                            stored,
                            now,
                            CacheStatus.hit(name).ttl(-staleness).detail("stale-while-revalidate"));
                }
                default -> reason = stored.isFresh(now) ? "request" : "stale";
            }
        }
        if (shared != null && !request.sharedLooked && !request.control.noCache()) {
            // Nothing usable here: another replica may have stored it.
            return shared.lookup(request, mayWait);
        }
        if (request.control.onlyIfCached()) {
            count("only-if-cached");
            CachedAnswers.onlyIfCachedMiss(exchange, name);
            request.callback.done(true);
            return true;
        }
        if (mayWait && !request.control.noCache()) {
            // A Range request leads only a revalidation (its 304 refreshes what every waiter reads); on a
            // miss it waits for a leader, never leads: its 206 is not stored, so waiters would all go on.
            if ((!isRanged(request) || (stored != null && stored.hasValidators())) && flights.lead(request.key)) {
                return shared != null ? shared.lead(request, stored, reason) : forward(request, stored, reason, true);
            }
            if (waitForLeader(request)) {
                return false;
            }
            return lookup(request, false);
        }
        return forward(request, stored, reason, false);
    }

    long storeEpoch() {
        return store.epoch();
    }

    /** True when the store now holds a response this request may be answered with (as {@link #lookup} would). */
    boolean answerable(CacheRequest request) {
        StoredVariants variants = store.get(request.key);
        StoredResponse stored = variants == null
                ? null
                : variants.select(request.exchange.getMessage().getHeaders(), request.head);
        if (stored == null) {
            return false;
        }
        return switch (Reuse.of(stored, request.control, store.now())) {
            case FRESH, STALE_ALLOWED, STALE_WHILE_REVALIDATE -> true;
            default -> false;
        };
    }

    private void count(String result) {
        MeterRegistries.count(
                context,
                "serai.cache.requests",
                "Requests through the HTTP cache, by what it did",
                "route",
                route,
                "result",
                result);
    }

    private boolean answered(CacheRequest request, StoredResponse stored, long now, CacheStatus status) {
        count("hit");
        if (request.fromShared.contains(stored)) {
            // Another replica fetched it: the Redis tier answered (Cache-Status detail=shared).
            shared.countHit();
            if (!status.toString().contains("detail=")) {
                status.detail("shared");
            }
        }
        CachedAnswers.serve(
                request.exchange,
                stored,
                now,
                status,
                request.exchange.getMessage().getHeaders());
        request.callback.done(true);
        return true;
    }

    /**
     * Waits (without a thread) for the request in flight for the same URL, then looks again; after
     * {@code serai.cache.coalesce-timeout} it stops waiting and goes to the backend itself.
     */
    private boolean waitForLeader(CacheRequest request) {
        AsyncCallback original = request.callback;
        request.callback = doneSync -> original.done(false);
        AtomicBoolean resumed = new AtomicBoolean();
        AtomicReference<ScheduledFuture<?>> timeout = new AtomicReference<>();
        Runnable resume = () -> {
            if (resumed.compareAndSet(false, true)) {
                ScheduledFuture<?> timer = timeout.get();
                if (timer != null) {
                    timer.cancel(false);
                }
                try {
                    lookup(request, false);
                } catch (RuntimeException e) {
                    request.exchange.setException(e);
                    request.callback.done(false);
                }
            }
        };
        if (!flights.follow(request.key, resume)) {
            request.callback = original;
            return false;
        }
        timeout.set(ExchangeTimers.schedule(
                request.exchange, settings.coalesceTimeout().toMillis(), TimeUnit.MILLISECONDS, resume));
        return true;
    }

    /**
     * Sends the request to the backend, conditionally when {@code stored} has validators, and handles
     * the answer. The leader of a flight lands it once the answer is stored, so waiters find it.
     */
    boolean forward(CacheRequest request, StoredResponse stored, String reason, boolean leads) {
        Exchange exchange = request.exchange;
        count(reason);
        Map<String, Object> headers = exchange.getMessage().getHeaders();
        request.fields = new CaseInsensitiveMap(headers);
        if (stored != null && stored.hasValidators()) {
            request.validating = stored;
            headers.remove(Conditionals.IF_NONE_MATCH);
            headers.remove(Conditionals.IF_MODIFIED_SINCE);
            if (stored.etag != null) {
                headers.put(Conditionals.IF_NONE_MATCH, stored.etag);
            }
            if (stored.lastModified != null) {
                headers.put(Conditionals.IF_MODIFIED_SINCE, stored.lastModified);
            }
        }
        request.sentAt = store.now();
        AsyncCallback callback = request.callback;
        return next.process(exchange, doneSync -> {
            try {
                onResponse(request, stored, reason);
            } catch (RuntimeException e) {
                exchange.setException(e);
            } finally {
                try {
                    callback.done(doneSync);
                } finally {
                    if (leads) {
                        flights.land(request.key);
                    }
                    if (shared != null && !request.sharedWritePending) {
                        shared.release(request);
                    }
                }
            }
        });
    }

    private void onResponse(CacheRequest request, StoredResponse stored, String reason) {
        Exchange exchange = request.exchange;
        Message message = exchange.getMessage();
        long now = store.now();
        Exception failure = exchange.getException();
        int status = failure == null ? ResponseStatus.of(message) : 0;
        if ((failure != null || status >= 500) && stored != null && Reuse.onError(stored, request.control, now)) {
            CacheStatus served = CacheStatus.forwarded(name, "stale");
            if (failure == null) {
                served.fwdStatus(status);
            }
            CachedAnswers.serve(
                    exchange, stored, now, served.ttl(-stored.staleness(now)).detail("stale-if-error"), request.fields);
            return;
        }
        if (failure != null) {
            return;
        }
        String age = MessageFields.joined(message.getHeaders(), "Age");
        if (request.validating != null && status == 304) {
            StoredResponse updated =
                    request.validating.freshened(MessageFields.pairs(message.getHeaders()), age, request.sentAt, now);
            store.update(request.key, request.validating, updated);
            if (shared != null) {
                shared.write(request, updated, now);
            }
            Object cookies = message.getHeaders().get("Set-Cookie");
            Object cookies2 = message.getHeaders().get("Set-Cookie2");
            CachedAnswers.serve(
                    exchange,
                    updated,
                    now,
                    CacheStatus.forwarded(name, reason).fwdStatus(304).ttl(-updated.staleness(now)),
                    request.fields);
            // This client's own, stored or not: the 304 answered its request.
            if (cookies != null) {
                message.getHeaders().put("Set-Cookie", cookies);
            }
            if (cookies2 != null) {
                message.getHeaders().put("Set-Cookie2", cookies2);
            }
            return;
        }
        // A 206 updates stored fields only if a 200 with its fields could be stored (not private, no-store...).
        if (status == 206
                && stored != null
                && Storability.refusal(
                                200,
                                request.control,
                                authenticated(request),
                                message.getHeaders(),
                                0,
                                settings.maxObject(),
                                targeting)
                        == null) {
            StoredResponse updated =
                    RangeRequests.updatedByPartial(stored, message.getHeaders(), age, request.sentAt, now);
            if (updated != null) {
                store.update(request.key, stored, updated);
            }
        }
        CacheStatus outcome = CacheStatus.forwarded(name, reason);
        if (request.validating != null) {
            outcome.fwdStatus(status);
        }
        Object body = message.getBody();
        BodyStream streaming = body instanceof BodyStream stream && !stream.isHeld() ? stream : null;
        // A body that streams is as large as its Content-Length says; without one, it is known at its end.
        long size = streaming != null ? Math.max(0, streaming.declaredLength()) : ForwardedResponses.size(body);
        String refusal = size < 0
                ? "body"
                : Storability.refusal(
                        status,
                        request.control,
                        authenticated(request),
                        message.getHeaders(),
                        size,
                        settings.maxObject(),
                        targeting);
        if (refusal == null) {
            VaryValues vary = VaryValues.of(MessageFields.joined(message.getHeaders(), "Vary"), request.fields);
            String reasonPhrase = ForwardedResponses.reasonPhrase(message, status);
            List<String> fields = MessageFields.pairs(message.getHeaders());
            if (streaming != null) {
                // Stored once it has passed to the client whole, if it stayed within serai.cache.max-object.
                request.sharedWritePending = shared != null;
                streaming.whenDone(() -> {
                    try {
                        // Kept bytes may exceed max-object (at least a window is kept): the limit is checked here.
                        if (streaming.isHeld() && streaming.bytes() <= settings.maxObject()) {
                            ByteBuf whole = streaming.content();
                            try {
                                storeIfUseful(
                                        request,
                                        StoredResponse.of(
                                                status,
                                                reasonPhrase,
                                                fields,
                                                age,
                                                ByteBufUtil.getBytes(whole),
                                                request.head,
                                                vary,
                                                request.sentAt,
                                                now,
                                                targeting),
                                        now);
                            } finally {
                                whole.release();
                            }
                        }
                    } finally {
                        if (shared != null) {
                            // Written or not, the other replicas need not wait for this one any longer.
                            shared.release(request);
                        }
                    }
                });
                outcome.detail("streamed");
                CachedAnswers.addStatus(message, outcome);
                return;
            }
            StoredResponse response = StoredResponse.of(
                    status,
                    reasonPhrase,
                    fields,
                    age,
                    ForwardedResponses.bytes(body),
                    request.head,
                    vary,
                    request.sentAt,
                    now,
                    targeting);
            if (storeIfUseful(request, response, now)) {
                outcome.stored().ttl(-response.staleness(now));
            } else {
                outcome.detail("stale");
            }
        } else {
            if (streaming != null) {
                // Never stored: what has passed to the client need not be kept for the store.
                streaming.commit();
            }
            outcome.detail(refusal);
        }
        CachedAnswers.addStatus(message, outcome);
    }

    /** Stores {@code response} when it can ever be reused: fresh for a while, or with validators. */
    private boolean storeIfUseful(CacheRequest request, StoredResponse response, long now) {
        if (response.lifetime > 0 || response.hasValidators()) {
            store.store(request.key, response);
            if (shared != null) {
                shared.write(request, response, now);
            }
            return true;
        }
        return false;
    }

    private static boolean isRanged(CacheRequest request) {
        return !request.head && request.exchange.getMessage().getHeader(RangeRequests.RANGE) != null;
    }

    Flights flights() {
        return flights;
    }

    /**
     * Whether the request carried credentials (RFC 9111 section 3.5): its own Authorization, or a
     * credential an access check before the cache read and removed.
     */
    private static boolean authenticated(CacheRequest request) {
        return request.fields.get("Authorization") != null
                || request.exchange.getProperty(IngressRequest.AUTHENTICATED) != null;
    }
}
