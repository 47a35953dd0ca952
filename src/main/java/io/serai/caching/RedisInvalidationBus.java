package io.serai.caching;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.serai.shared.SharedRedis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The replicas' {@link InvalidationBus} in shared mode: each invalidation is published on the Redis
 * channel {@value #CHANNEL} as a small JSON message, and each replica applies what the others publish to
 * its own store (a message received is applied, never published again, so nothing loops). Redis pub/sub
 * delivers at most once and loses what is sent while a replica is not subscribed, so each time this
 * replica's subscription is (re)established it drops its whole cache: it may have missed an invalidation.
 */
public final class RedisInvalidationBus implements InvalidationBus {

    static final String CHANNEL = "cache-invalidations";
    private static final Logger LOG = LoggerFactory.getLogger(RedisInvalidationBus.class);
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The message on the wire: the sender and the invalidation, flat. */
    record Message(String replica, String kind, String route, String host, List<String> values) {

        static Message of(String replica, CacheInvalidation invalidation) {
            return new Message(
                    replica,
                    invalidation.kind().name().toLowerCase(Locale.ROOT),
                    invalidation.route(),
                    invalidation.host(),
                    invalidation.values());
        }

        CacheInvalidation invalidation() {
            if (kind == null) {
                throw new IllegalArgumentException("no kind");
            }
            return new CacheInvalidation(
                    CacheInvalidation.Kind.valueOf(kind.toUpperCase(Locale.ROOT)), route, host, values);
        }
    }

    private final SharedRedis redis;
    private final HttpCacheStore store;
    private final Counter sent;
    private final Counter failed;
    private final Counter applied;
    private final Counter own;
    private final Counter malformed;
    private final Counter resyncDrops;

    private RedisInvalidationBus(SharedRedis redis, HttpCacheStore store, MeterRegistry meters) {
        this.redis = redis;
        this.store = store;
        this.sent = published(meters, "sent");
        this.failed = published(meters, "failed");
        this.applied = received(meters, "applied");
        this.own = received(meters, "own");
        this.malformed = received(meters, "malformed");
        this.resyncDrops = Counter.builder("serai.cache.resync.drops")
                .description("Times the whole HTTP cache was dropped because invalidations may have been missed"
                        + " while the Redis subscription was down")
                .register(meters);
        warmUp();
    }

    /**
     * Writes and reads one message at start: Jackson's first look at the message types takes hundreds of
     * milliseconds in a fresh JVM, which the first purge would otherwise spend before other replicas see it.
     */
    private void warmUp() {
        try {
            JSON.readValue(
                            JSON.writeValueAsBytes(Message.of(redis.replicaId(), CacheInvalidation.all())),
                            Message.class)
                    .invalidation();
        } catch (IOException | RuntimeException e) {
            LOG.debug("cache invalidation messages not warmed up: {}", e.toString());
        }
    }

    /**
     * Shares {@code store}'s invalidations with the other replicas through {@code redis}; with no Redis
     * (local mode) does nothing, and the store tells no one.
     */
    public static void connect(SharedRedis redis, HttpCacheStore store, MeterRegistry meters) {
        if (redis == null) {
            return;
        }
        RedisInvalidationBus bus = new RedisInvalidationBus(redis, store, meters);
        redis.subscribe(CHANNEL, bus::received);
        redis.onResync(bus::resync);
        store.shareThrough(bus);
    }

    @Override
    public Outcome publish(CacheInvalidation invalidation) {
        byte[] message;
        try {
            message = JSON.writeValueAsBytes(Message.of(redis.replicaId(), invalidation));
        } catch (JsonProcessingException e) {
            failed.increment();
            LOG.warn("cache invalidation not sent to the other replicas: {}", e.toString());
            return Outcome.NOT_SENT;
        }
        CompletableFuture<Long> publishing = redis.publish(CHANNEL, message);
        // Completes on Lettuce's I/O thread: only a count there. Debug, not warn: while Redis is away every
        // invalidating request fails here, and SharedRedis already warns once that the connection is lost.
        publishing.whenComplete((receivers, failure) -> {
            if (failure == null) {
                sent.increment();
            } else {
                failed.increment();
                LOG.debug("cache invalidation not sent to the other replicas: {}", failure.toString());
            }
        });
        return publishing.isCompletedExceptionally() ? Outcome.NOT_SENT : Outcome.SENT;
    }

    /** A message from the channel, off Lettuce's I/O thread: applied unless this replica sent it. */
    private void received(byte[] bytes) {
        Message message;
        CacheInvalidation invalidation;
        try {
            message = JSON.readValue(bytes, Message.class);
            invalidation = message.invalidation();
        } catch (IOException | IllegalArgumentException e) {
            malformed.increment();
            LOG.warn("cache invalidation from another replica not understood: {}", e.toString());
            return;
        }
        if (redis.replicaId().equals(message.replica())) {
            own.increment();
            return;
        }
        store.invalidatedElsewhere(invalidation);
        invalidation.applyTo(store);
        applied.increment();
    }

    /** The subscription is (back): what was published while it was down is lost, so drop everything. */
    private void resync() {
        long entries = store.entries();
        store.invalidatedElsewhere(null);
        store.invalidateAll();
        resyncDrops.increment();
        if (entries > 0) {
            LOG.info("HTTP cache dropped ({} URLs): invalidations may have been missed while Redis was away", entries);
        }
    }

    private static Counter published(MeterRegistry meters, String outcome) {
        return Counter.builder("serai.cache.invalidations.published")
                .description("Cache invalidations published to the other replicas, by outcome")
                .tag("outcome", outcome)
                .register(meters);
    }

    private static Counter received(MeterRegistry meters, String outcome) {
        return Counter.builder("serai.cache.invalidations.received")
                .description("Cache invalidations received from the Redis channel: applied, own (ignored) or malformed")
                .tag("outcome", outcome)
                .register(meters);
    }
}
