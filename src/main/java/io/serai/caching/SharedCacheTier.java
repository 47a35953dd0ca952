package io.serai.caching;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.serai.camel.MeterRegistries;
import io.serai.shared.RedisUnavailableException;
import io.serai.shared.SharedRedis;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cache's second tier in Redis, for routes behind {@code sharedHttpCache}: what one replica fetched
 * another answers from. The variants of one URL (one per Vary values) are the fields of one Redis hash,
 * {@code cache:<sha256 of the local key>}, read whole with one HGETALL, so a lookup costs one round trip
 * whatever the request's Vary values are. A short lock per URL ({@code cache-lock:...}, SET NX PX) lets
 * one replica fetch while the others wait for its answer. Every call is fire-and-forget or answered on a
 * future; none is waited for on a request's thread.
 */
final class SharedCacheTier implements HttpCacheStore.SharedTierHooks {

    private static final Logger LOG = LoggerFactory.getLogger(SharedCacheTier.class);

    /**
     * Stores one variant and keeps the URL's TTL at least this variant's, in one atomic round trip: no
     * single command does HSET with a cap on the number of fields and a TTL that only grows (Redis 7.4's
     * per-field HPEXPIRE is too new to require). A URL that already has {@code ARGV[3]} other variants
     * (a Vary on a field with many values) keeps them and this one is not written.
     */
    private static final String WRITE = """
            if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
              return 0
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then
              redis.call('PEXPIRE', KEYS[1], ARGV[4])
            end
            return 1
            """;

    /**
     * Deletes URLs' entries under Redis' current generation and the sender's (ARGV[2], may be empty),
     * ARGV[1] being the key prefix and the rest the URLs' hashes: one atomic call, so no generation moves
     * between reading it and deleting. The keys are built in the script (one Redis, not a cluster).
     */
    private static final String DELETE = """
            local g = redis.call('GET', ARGV[1] .. 'cache-generation') or '0'
            local n = 0
            for i = 3, #ARGV do
              n = n + redis.call('DEL', ARGV[1] .. 'cache:' .. g .. ':' .. ARGV[i])
              if ARGV[2] ~= '' and ARGV[2] ~= g then
                n = n + redis.call('DEL', ARGV[1] .. 'cache:' .. ARGV[2] .. ':' .. ARGV[i])
              end
            end
            return n
            """;

    /** Drops the lock only if this replica still holds it (it may have expired and been taken since). */
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    private final SharedRedis redis;
    private final CacheSettings settings;
    private final CamelContext context;
    private final TargetedControl targeting;
    private final SharedGeneration generation;
    /** The routes behind the shared policy: only their keys are ever written, read or deleted in Redis. */
    private final Set<String> routes = ConcurrentHashMap.newKeySet();

    SharedCacheTier(SharedRedis redis, CacheSettings settings, CamelContext context) {
        this.redis = redis;
        this.settings = settings;
        this.context = context;
        this.targeting = new TargetedControl(settings.targetedField());
        this.generation = new SharedGeneration(redis, context);
    }

    void addRoute(String route) {
        routes.add(route);
    }

    /** True for a local key ({@code route \n host \n target}) of a route behind the shared policy. */
    boolean isShared(String key) {
        int end = key.indexOf('\n');
        return end > 0 && routes.contains(key.substring(0, end));
    }

    /** The variants stored in Redis for {@code key}: empty when none; fails when Redis was not asked or failed. */
    CompletableFuture<Map<byte[], byte[]>> read(String key) {
        String current = generation.current();
        if (current == null) {
            return CompletableFuture.failedFuture(
                    new RedisUnavailableException("the shared tier's generation is not known yet"));
        }
        return redis.call(c -> c.hgetall(entryKey(current, key)));
    }

    /** The responses {@code entries} hold, newest first; an entry that cannot be read is skipped and counted. */
    List<StoredResponse> decode(String route, Map<byte[], byte[]> entries) {
        List<StoredResponse> responses = new ArrayList<>(entries.size());
        for (byte[] entry : entries.values()) {
            try {
                StoredResponse response = SharedEntryFormat.decode(entry, targeting);
                if (response != null) {
                    responses.add(response);
                }
            } catch (IOException | RuntimeException e) {
                count(route, "error");
                LOG.debug("shared cache entry of route {} unreadable: {}", route, e.toString());
            }
        }
        responses.sort((a, b) -> Long.compare(b.responseTime, a.responseTime));
        return responses;
    }

    /**
     * Writes {@code response} (fire-and-forget) with a TTL of its freshness left plus
     * {@code serai.cache.stale-retention} (or its stale-while-revalidate/stale-if-error windows when
     * longer), as the local tier keeps it; not when it is over {@code serai.cache.shared-max-object}.
     */
    void write(String route, String key, StoredResponse response, long now, long epoch, HttpCacheStore store) {
        if (store.epoch() != epoch) {
            // An invalidation came while this response was fetched: it may predate it, so it stays local.
            count(route, "stale_write");
            return;
        }
        long ttl = StoredVariants.of(response)
                .retention(now, settings.staleRetention().toMillis());
        if (ttl <= 0) {
            return;
        }
        if (response.body.length > settings.sharedMaxObject()) {
            count(route, "too_large");
            return;
        }
        if (variesOnCredentials(response)) {
            count(route, "credential_vary");
            return;
        }
        byte[] entry = SharedEntryFormat.encode(response);
        String current = generation.current();
        if (current == null) {
            count(route, "skipped");
            return;
        }
        byte[][] keys = {entryKey(current, key)};
        redis.<Long>call(c -> c.eval(
                        WRITE,
                        ScriptOutputType.INTEGER,
                        keys,
                        SharedEntryFormat.variantField(response),
                        entry,
                        ascii(StoredVariants.MAX_VARIANTS),
                        ascii(ttl)))
                .whenComplete((written, failure) -> count(
                        route, failure != null ? failed(failure) : written == 1L ? "write" : "too_many_variants"));
    }

    /**
     * True when the response varies on {@code Authorization}, {@code Proxy-Authorization} or {@code Cookie}: its variant would be
     * stored under the client's credential or session cookie, which Redis, shared and often less guarded
     * than a replica's memory, never gets (as rate-limit keys are hashed). It stays in the local tier.
     */
    static boolean variesOnCredentials(StoredResponse response) {
        String vary = response.field("Vary");
        if (vary == null) {
            return false;
        }
        for (String name : vary.split(",")) {
            String n = name.trim();
            if (n.equalsIgnoreCase("Authorization")
                    || n.equalsIgnoreCase("Proxy-Authorization")
                    || n.equalsIgnoreCase("Cookie")) {
                return true;
            }
        }
        return false;
    }

    /** True when this replica now holds the lock for {@code key}; false when another one does. */
    CompletableFuture<Boolean> lock(String key) {
        if (generation.current() == null) {
            return CompletableFuture.failedFuture(
                    new RedisUnavailableException("the shared tier's generation is not known yet"));
        }
        long ttl = settings.coalesceTimeout().toMillis();
        return redis.call(
                        c -> c.set(lockKey(key), replica(), SetArgs.Builder.nx().px(ttl)))
                .thenApply("OK"::equals);
    }

    /** True while some replica holds the lock for {@code key}. */
    CompletableFuture<Boolean> locked(String key) {
        if (generation.current() == null) {
            return CompletableFuture.failedFuture(
                    new RedisUnavailableException("the shared tier's generation is not known yet"));
        }
        return redis.call(c -> c.exists(lockKey(key))).thenApply(n -> n != null && n > 0);
    }

    /** Gives up this replica's lock for {@code key} (fire-and-forget; it expires anyway). */
    void release(String key) {
        byte[][] keys = {lockKey(key)};
        redis.<Long>call(c -> c.eval(RELEASE, ScriptOutputType.INTEGER, keys, replica()));
    }

    @Override
    public void invalidating(CacheInvalidation invalidation) {
        if (invalidation.kind() != CacheInvalidation.Kind.URL) {
            generation.next();
            return;
        }
        List<byte[]> args = new ArrayList<>();
        args.add(redis.key(""));
        String known = generation.current();
        args.add(ascii(known == null ? "" : known));
        for (String route : invalidation.route() == null ? routes : Set.of(invalidation.route())) {
            if (routes.contains(route)) {
                for (String target : invalidation.values()) {
                    args.add(ascii(SharedRedis.hash(HttpCacheStore.key(route, invalidation.host(), target))));
                }
            }
        }
        if (args.size() > 2) {
            // Whether or not any replica holds them locally, under the generation Redis has now and the one
            // this replica knows (it may not have heard of a broad purge yet, or not know one at all).
            redis.<Long>call(c -> c.eval(DELETE, ScriptOutputType.INTEGER, new byte[0][], args.toArray(byte[][]::new)));
        }
    }

    @Override
    public void invalidatedElsewhere(CacheInvalidation invalidation) {
        if (invalidation == null || invalidation.kind() != CacheInvalidation.Kind.URL) {
            readGeneration();
        }
    }

    /** False while the tier is skipped because its generation is being asked. */
    boolean knowsGeneration() {
        return generation.current() != null;
    }

    /** Reads the generation: at start, after a lost subscription, with another replica's broad purge. */
    void readGeneration() {
        generation.read();
    }

    /** Counts a result of the shared tier on {@code route}: {@code serai_cache_shared_total{route,result}}. */
    void count(String route, String result) {
        MeterRegistries.count(
                context,
                "serai.cache.shared",
                "What the shared cache tier in Redis did, by result",
                "route",
                route,
                "result",
                result);
    }

    /** {@code skipped} when Redis was not asked (not connected, breaker open), else {@code error}. */
    static String failed(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof RedisUnavailableException ? "skipped" : "error";
    }

    private byte[] entryKey(String generation, String key) {
        return redis.key("cache:" + generation + ":" + SharedRedis.hash(key));
    }

    private byte[] lockKey(String key) {
        return redis.key("cache-lock:" + SharedRedis.hash(key));
    }

    private byte[] replica() {
        return redis.replicaId().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(long number) {
        return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
    }
}
