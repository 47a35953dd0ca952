package io.serai.caching;

import io.serai.camel.SharedSchedulers;
import io.serai.shared.SharedRedis;
import org.apache.camel.CamelContext;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The generation of the shared cache tier, part of every entry's key; null while not known, when the
 * tier is skipped (reads and writes as when Redis is away). A purge by prefix, tag or everything cannot
 * find its entries in Redis (their keys are hashes, and entries no replica holds locally are known to
 * no one), so it moves every replica to a new generation ({@code INCR cache-generation}, sent before the
 * purge's message on the same connection): the old entries are never read again and expire by their
 * TTL. Each change asks Redis anew and counts as one more question; only the answer to the latest
 * question sets the generation, so an older answer arriving late never brings back a purged one.
 */
final class SharedGeneration {

    private static final String KEY = "cache-generation";

    private final SharedRedis redis;
    private final CamelContext context;
    private final AtomicLong asked = new AtomicLong();
    private volatile String current;

    SharedGeneration(SharedRedis redis, CamelContext context) {
        this.redis = redis;
        this.context = context;
    }

    /** The generation, or null while it is being asked. */
    String current() {
        return current;
    }

    /** Reads the generation: at start, after a lost subscription, with another replica's broad purge. */
    void read() {
        long mine = forget();
        settle(mine, redis.call(c -> c.get(redis.key(KEY))).thenApply(SharedGeneration::number));
    }

    /** A broad purge made here: every replica's next generation. */
    void next() {
        long mine = forget();
        settle(mine, redis.call(c -> c.incr(redis.key(KEY))));
    }

    private synchronized long forget() {
        long mine = asked.incrementAndGet();
        current = null;
        return mine;
    }

    /** Sets the answer to question {@code mine}, unless a newer question was asked meanwhile. */
    private synchronized boolean answered(long mine, String generation) {
        if (asked.get() != mine) {
            return false;
        }
        current = generation;
        return true;
    }

    /**
     * Sets the generation from the answer to the latest question; without one (Redis away) reads it again
     * every 200 ms. A broad purge made while Redis was away did not reach the shared tier: its answer says
     * the other replicas were not reached, and it must be made again.
     */
    private void settle(long mine, CompletableFuture<Long> answer) {
        answer.whenComplete((generation, failure) -> {
            if (failure == null) {
                answered(mine, String.valueOf(generation));
            } else if (asked.get() == mine) {
                // Asked again only while no newer question was: one retry loop at most.
                SharedSchedulers.of(context, "serai-timers")
                        .schedule(
                                () -> {
                                    if (asked.get() == mine) {
                                        read();
                                    }
                                },
                                200,
                                TimeUnit.MILLISECONDS);
            }
        });
    }

    private static long number(byte[] value) {
        if (value == null) {
            return 0L;
        }
        try {
            return Long.parseLong(new String(value, StandardCharsets.US_ASCII));
        } catch (NumberFormatException notOurs) {
            // Someone wrote the key by hand: a generation of its own, never an old one.
            return Math.abs((long) java.util.Arrays.hashCode(value)) + 1_000_000_000L;
        }
    }
}
