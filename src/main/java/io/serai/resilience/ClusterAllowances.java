package io.serai.resilience;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.serai.shared.SharedRedis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The token buckets of a {@code scope: cluster} rate limit, in Redis, shared by every replica: each take
 * is one run of {@code token-bucket.lua} (EVALSHA; EVAL once after Redis lost its script cache), so one
 * round trip and one atomic step whatever the number of replicas. Keys are
 * {@code <prefix>rl:<route>:<sha256 of the client key>}: no client address, header or cookie value is
 * written to Redis.
 */
final class ClusterAllowances {

    private static final byte[] SCRIPT = script();
    private static final String SHA1 = sha1(SCRIPT);

    private final SharedRedis redis;
    private final String routeId;
    private final byte[][] limits;
    private final long capacity;

    ClusterAllowances(SharedRedis redis, String routeId, long limit, Duration period, long burst) {
        this.redis = redis;
        this.routeId = routeId;
        this.capacity = burst;
        long periodMicros = Math.max(1, period.toNanos() / 1000);
        this.limits = new byte[][] {ascii(limit), ascii(periodMicros), ascii(burst)};
    }

    /** Takes one token from {@code key}'s shared bucket, by Redis' clock. Completes on Lettuce's thread. */
    CompletableFuture<RateLimitTake> take(String key) {
        return take(key, limits);
    }

    /** As {@link #take(String)} at {@code nowMicros} instead of Redis' clock: for tests only. */
    CompletableFuture<RateLimitTake> takeAt(String key, long nowMicros) {
        return take(key, new byte[][] {limits[0], limits[1], limits[2], ascii(nowMicros)});
    }

    /** The Redis key of {@code key}'s bucket. */
    byte[] redisKey(String key) {
        return redis.key("rl:" + routeId + ":" + SharedRedis.hash(key));
    }

    private CompletableFuture<RateLimitTake> take(String key, byte[][] args) {
        byte[][] keys = {redisKey(key)};
        CompletableFuture<List<Object>> reply =
                redis.call(c -> c.<List<Object>>evalsha(SHA1, ScriptOutputType.MULTI, keys, args));
        return reply.exceptionallyCompose(failure -> unwrap(failure) instanceof RedisNoScriptException
                        ? redis.call(c -> c.<List<Object>>eval(SCRIPT, ScriptOutputType.MULTI, keys, args))
                        : CompletableFuture.failedFuture(unwrap(failure)))
                .thenApply(this::taken);
    }

    private RateLimitTake taken(List<Object> reply) {
        return new RateLimitTake(
                ((Long) reply.get(0)) == 1L,
                (Long) reply.get(1),
                (Long) reply.get(2) * 1000,
                (Long) reply.get(3) * 1000,
                capacity);
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    /** The script's SHA-1, as EVALSHA names it. */
    private static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    private static byte[] script() {
        try (InputStream in = ClusterAllowances.class.getResourceAsStream("token-bucket.lua")) {
            if (in == null) {
                throw new IllegalStateException("token-bucket.lua is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
