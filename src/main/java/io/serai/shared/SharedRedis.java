package io.serai.shared;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Serai's one connection to Redis when {@code serai.redis.url} is set: what replicas share (cluster
 * rate limits, cache invalidations, the shared cache tier) goes through it. Lettuce's async client:
 * one multiplexed command connection and one pub/sub connection, both reconnected by Lettuce on its
 * own; a start while Redis is away keeps retrying in the background, so Serai serves without Redis.
 *
 * <p>No caller ever waits on Redis: {@link #call} returns a future that fails at once when Serai is not
 * connected or the breaker is open, and otherwise within {@code serai.redis.timeout} (Lettuce's command
 * timeout). A Resilience4j breaker counts time-outs and connection failures (not Redis' own error
 * replies), so a slow Redis costs a request at most one time-out before every caller skips it. Futures
 * complete on Lettuce's threads: callers move back to their own thread before doing real work.
 * <p>
 * Long because: one client's two connections (commands, pub/sub) share its start, reconnection,
 * state, breaker and meters; split, each half would reach into the other's.
 */
public final class SharedRedis extends ServiceSupport implements MeterBinder {

    public static final String BEAN_NAME = "seraiSharedRedis";
    private static final Logger LOG = LoggerFactory.getLogger(SharedRedis.class);

    private final RedisSettings settings;
    private final String replicaId = UUID.randomUUID().toString();
    private final CircuitBreaker breaker;
    private final Map<String, List<Consumer<byte[]>>> subscribers = new ConcurrentHashMap<>();
    private final List<Runnable> resyncs = new CopyOnWriteArrayList<>();
    private final Counter.Builder rejected =
            Counter.builder("serai.redis.rejected").description("Redis calls not made: not connected or breaker open");
    private ClientResources resources;
    private RedisClient client;
    private volatile StatefulRedisConnection<byte[], byte[]> commands;
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> pubsub;
    private volatile boolean commandsUp;
    private volatile boolean pubsubUp;
    private volatile boolean stopping;
    private volatile Instant since = Instant.now();
    private volatile String lastError = "";
    private volatile MeterRegistry registry;
    private Timer okCalls;
    private Timer failedCalls;
    private Timer timedOutCalls;
    private Counter reconnects;
    private Counter resynced;

    public SharedRedis(RedisSettings settings) {
        this.settings = settings;
        this.breaker = CircuitBreaker.of(
                "redis",
                CircuitBreakerConfig.custom()
                        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(20)
                        .minimumNumberOfCalls(5)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(Duration.ofSeconds(1))
                        .permittedNumberOfCallsInHalfOpenState(3)
                        .recordException(e -> !(e instanceof RedisCommandExecutionException))
                        .build());
        breaker.getEventPublisher().onStateTransition(event -> {
            since = Instant.now();
            LOG.warn("Redis {}: breaker {}", settings.safeUrl(), event.getStateTransition());
        });
    }

    /** The shared connection, or null when {@code serai.redis.url} is unset. */
    public static SharedRedis lookup(CamelContext context) {
        return context == null ? null : context.getRegistry().lookupByNameAndType(BEAN_NAME, SharedRedis.class);
    }

    public RedisSettings settings() {
        return settings;
    }

    /** This process among the replicas: the sender of the messages it publishes. */
    public String replicaId() {
        return replicaId;
    }

    /**
     * The hex SHA-256 of {@code value}: how a client key or a URL appears in Redis keys, so that none is
     * written there as it came.
     */
    public static String hash(String value) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** {@code serai.redis.key-prefix} and {@code name}, as a Redis key or channel. */
    public byte[] key(String name) {
        return (settings.keyPrefix() + name).getBytes(StandardCharsets.UTF_8);
    }

    /** True when calls are made now: connected and the breaker not open. */
    public boolean available() {
        return commandsUp && breaker.getState() != CircuitBreaker.State.OPEN;
    }

    /**
     * One Redis call through the shared connection, bounded by the time-out and the breaker. Fails with
     * {@link RedisUnavailableException} at once when the call is not made.
     */
    public <T> CompletableFuture<T> call(Function<RedisAsyncCommands<byte[], byte[]>, RedisFuture<T>> command) {
        StatefulRedisConnection<byte[], byte[]> connection = commands;
        if (connection == null || !commandsUp) {
            return refused("not_connected", "Redis " + settings.safeUrl() + " is not connected");
        }
        if (!breaker.tryAcquirePermission()) {
            return refused("breaker_open", "Redis " + settings.safeUrl() + ": breaker open after failed calls");
        }
        long start = System.nanoTime();
        CompletableFuture<T> result = new CompletableFuture<>();
        RedisFuture<T> call;
        try {
            call = command.apply(connection.async());
        } catch (RuntimeException e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            return CompletableFuture.failedFuture(e);
        }
        call.whenComplete((value, failure) -> {
            long took = System.nanoTime() - start;
            if (failure == null) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                record(okCalls, took);
                result.complete(value);
            } else {
                breaker.onError(took, TimeUnit.NANOSECONDS, failure);
                record(failure instanceof RedisCommandTimeoutException ? timedOutCalls : failedCalls, took);
                lastError = failure.getClass().getSimpleName() + ": " + failure.getMessage();
                result.completeExceptionally(failure);
            }
        });
        return result;
    }

    /** Sends {@code message} to every replica subscribed to {@code channel} (this one ignores its own). */
    public CompletableFuture<Long> publish(String channel, byte[] message) {
        return call(c -> c.publish(key(channel), message));
    }

    /**
     * Calls {@code listener} with each message on {@code channel}, off Lettuce's I/O thread. Messages
     * are lost while the pub/sub connection is down: see {@link #onResync}.
     */
    public void subscribe(String channel, Consumer<byte[]> listener) {
        subscribers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
        StatefulRedisPubSubConnection<byte[], byte[]> connection = pubsub;
        if (connection != null && pubsubUp) {
            connection.async().subscribe(key(channel));
        }
    }

    /**
     * Runs {@code resync} each time the pub/sub connection is (re)established and subscribed, the first
     * time included: messages sent while this replica was not listening are lost, so what they could
     * have invalidated must be dropped.
     */
    public void onResync(Runnable resync) {
        resyncs.add(resync);
    }

    /** The state for {@code /health/backends} and the status page. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("url", settings.safeUrl());
        view.put("state", available() ? "up" : (commandsUp ? "breaker-open" : "down"));
        view.put("connected", commandsUp);
        view.put("subscribed", pubsubUp);
        view.put("breaker", breaker.getState().name());
        view.put("since", since.toString());
        if (!lastError.isEmpty()) {
            view.put("lastError", lastError);
        }
        return view;
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        registry = meters;
        Gauge.builder("serai.redis.up", this, r -> r.available() ? 1 : 0)
                .description("1 while Serai's Redis calls are made (connected, breaker not open)")
                .register(meters);
        Gauge.builder("serai.redis.breaker.open", breaker, b -> b.getState() == CircuitBreaker.State.OPEN ? 1 : 0)
                .description("1 while the breaker in front of Redis is open")
                .register(meters);
        okCalls = callTimer(meters, "ok");
        failedCalls = callTimer(meters, "error");
        timedOutCalls = callTimer(meters, "timeout");
        reconnects = Counter.builder("serai.redis.reconnects")
                .description("Connections to Redis established again after a loss")
                .register(meters);
        resynced = Counter.builder("serai.redis.resyncs")
                .description("Times the pub/sub connection came (back) and missed messages were made up for")
                .register(meters);
    }

    @Override
    protected void doStart() {
        resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        client = RedisClient.create(resources, settings.uri());
        ClientOptions.Builder options = ClientOptions.builder();
        if (settings.trustFile() != null) {
            options.sslOptions(io.lettuce.core.SslOptions.builder()
                    .jdkSslProvider()
                    .trustManager(settings.trustFile().toFile())
                    .build());
        }
        client.setOptions(options.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(Duration.ofSeconds(1))
                        .keepAlive(true)
                        .build())
                .build());
        client.addListener(new ConnectionStates());
        connectCommands();
        connectPubSub();
    }

    @Override
    protected void doStop() {
        stopping = true;
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (resources != null) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    private void connectCommands() {
        client.connectAsync(ByteArrayCodec.INSTANCE, settings.uri()).whenComplete((connection, failure) -> {
            if (failure != null) {
                retry(failure, this::connectCommands);
            } else if (stopping) {
                connection.closeAsync();
            } else {
                commands = connection;
                commandsUp = true;
                since = Instant.now();
                LOG.info("Redis {}: connected; replicas share state through it", settings.safeUrl());
            }
        });
    }

    private void connectPubSub() {
        client.connectPubSubAsync(ByteArrayCodec.INSTANCE, settings.uri()).whenComplete((connection, failure) -> {
            if (failure != null) {
                retry(failure, this::connectPubSub);
            } else if (stopping) {
                connection.closeAsync();
            } else {
                connection.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(byte[] channel, byte[] message) {
                        deliver(channel, message);
                    }
                });
                pubsub = connection;
                pubsubUp = true;
                subscribed(connection);
            }
        });
    }

    /** Subscribes every channel, then resyncs: what was sent before the subscription is lost. */
    private void subscribed(StatefulRedisPubSubConnection<byte[], byte[]> connection) {
        byte[][] channels = subscribers.keySet().stream().map(this::key).toArray(byte[][]::new);
        CompletableFuture<Void> subscribed = channels.length == 0
                ? CompletableFuture.completedFuture(null)
                : connection.async().subscribe(channels).toCompletableFuture();
        subscribed.whenCompleteAsync(
                (ok, failure) -> {
                    if (failure == null) {
                        if (resynced != null) {
                            resynced.increment();
                        }
                        resyncs.forEach(SharedRedis::runQuietly);
                    }
                },
                resources.eventExecutorGroup());
    }

    private void retry(Throwable failure, Runnable connect) {
        if (stopping) {
            return;
        }
        lastError = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        LOG.debug("Redis {}: cannot connect, retrying: {}", settings.safeUrl(), lastError);
        resources.eventExecutorGroup().schedule(connect, 500, TimeUnit.MILLISECONDS);
    }

    private void deliver(byte[] channel, byte[] message) {
        String name = new String(channel, StandardCharsets.UTF_8)
                .substring(settings.keyPrefix().length());
        List<Consumer<byte[]>> listeners = subscribers.get(name);
        if (listeners != null) {
            resources
                    .eventExecutorGroup()
                    .execute(() -> listeners.forEach(l -> {
                        try {
                            l.accept(message);
                        } catch (RuntimeException e) {
                            LOG.warn("Redis message on {} not handled: {}", name, e.toString());
                        }
                    }));
        }
    }

    private <T> CompletableFuture<T> refused(String reason, String why) {
        MeterRegistry meters = registry;
        if (meters != null) {
            rejected.tag("reason", reason).register(meters).increment();
        }
        return CompletableFuture.failedFuture(new RedisUnavailableException(why));
    }

    private static Timer callTimer(MeterRegistry meters, String outcome) {
        return Timer.builder("serai.redis.calls")
                .description("Redis calls made, by outcome")
                .tag("outcome", outcome)
                .register(meters);
    }

    private static void record(Timer timer, long nanos) {
        if (timer != null) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private static void runQuietly(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("Redis resync step failed: {}", e.toString());
        }
    }

    /** Connected and lost, per connection, as Lettuce reports them (reconnections included). */
    private final class ConnectionStates implements RedisConnectionStateListener {

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            boolean isPubSub = connection instanceof StatefulRedisPubSubConnection;
            if (isPubSub && pubsub == connection && !pubsubUp) {
                pubsubUp = true;
                countReconnect();
                subscribed(pubsub);
            } else if (!isPubSub && commands == connection && !commandsUp) {
                commandsUp = true;
                since = Instant.now();
                countReconnect();
                LOG.info("Redis {}: connected again", settings.safeUrl());
            }
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection == pubsub) {
                pubsubUp = false;
            } else if (connection == commands && commandsUp) {
                commandsUp = false;
                since = Instant.now();
                if (!stopping) {
                    LOG.warn(
                            "Redis {}: connection lost; shared features fall back until it returns",
                            settings.safeUrl());
                }
            }
        }

        private void countReconnect() {
            if (reconnects != null) {
                reconnects.increment();
            }
        }
    }
}
