package io.serai.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.ChannelPool;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.serai.health.ProbeClient;
import io.serai.http.InterimResponses;
import io.serai.http.UpstreamDeadline;
import io.serai.http.UpstreamException;
import io.serai.http.body.BodyStream;
import io.serai.http.grpc.GrpcTimeout;
import io.serai.security.upstream.BackendTlsContexts;
import io.serai.settings.ProxySettings;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.NettyConstants;

import java.net.InetAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Serai's non-blocking HTTP/1.1 client to backends, on Netty. Keep-alive connections are pooled per
 * backend and per event loop, and a request from a client connection uses a connection on that
 * client's own event loop, so a proxied request never changes threads (as Netty's proxy examples do).
 * Camel's netty-http producer was measured at four times our CPU budget per request (regex header
 * filtering, thread hops) and maps every fault to 500, hence this client. An {@code https://} backend
 * is verified as {@link BackendTlsContexts} says; its pool is its own, by the whole target. Backend
 * names are resolved by {@link BackendResolver}, never by a lookup that blocks an event loop. A
 * {@code protocol=h2} backend's pool lends HTTP/2 streams of a few shared connections instead
 * ({@link Http2ConnectionPool}); a call cannot tell the difference.
 */
public final class UpstreamClient implements AutoCloseable {

    private final ProxySettings settings;
    private final ConcurrentHashMap<PoolKey, ChannelPool> pools = new ConcurrentHashMap<>();
    private final BackendTlsContexts tls;
    private volatile EventLoopGroup ownLoops;
    private volatile DnsSettings dns = DnsSettings.defaults();
    private volatile BackendResolver resolver;

    public UpstreamClient(ProxySettings settings, BackendTlsContexts tls) {
        this.settings = settings;
        this.tls = tls;
    }

    /**
     * Sends {@code request} (its body following from {@code body} when that is not null) to {@code target};
     * completes {@code callback} once, with the response or a fault. With {@code clientsCall}, the call whose
     * answer becomes the client's (not a merge's or a copy's), interim responses go to the client as they arrive.
     */
    void send(
            Exchange exchange,
            UpstreamTarget target,
            FullHttpRequest request,
            BodyStream body,
            Duration timeout,
            ResponseHolding holding,
            boolean clientsCall,
            AsyncCallback callback) {
        Channel client = clientChannel(exchange);
        EventLoop loop = client != null && client.eventLoop() instanceof NioEventLoop own
                ? own
                : ownLoops().next();
        ChannelPool pool = pools.computeIfAbsent(new PoolKey(loop, target), this::newPool);
        Duration limit = timeout == null || timeout.compareTo(settings.upstreamTimeout()) > 0
                ? settings.upstreamTimeout()
                : timeout;
        Duration left = UpstreamDeadline.left(exchange, settings.upstreamTimeout());
        if (left.isNegative() || left.isZero()) {
            // Earlier members could not be connected to, and the request's time is up.
            exchange.setException(UpstreamException.timedOut(
                    target.toString(), settings.upstreamTimeout().toMillis()));
            ReferenceCountUtil.safeRelease(request);
            callback.done(false);
            return;
        }
        if (left.compareTo(limit) < 0) {
            limit = left;
        }
        // A gRPC client's grpc-timeout, counted from the request's arrival, may leave less than the route.
        limit = GrpcTimeout.capAndForward(
                request.headers(), exchange.getClock().getCreated(), System.currentTimeMillis(), limit);
        if (limit.isNegative() || limit.isZero()) {
            String what = "the client's grpc-timeout had passed before the call";
            exchange.setException(new UpstreamException(
                    504, UpstreamException.Kind.TIMED_OUT, what + " to " + target, what, -1, null));
            ReferenceCountUtil.safeRelease(request);
            callback.done(false);
            return;
        }
        InterimResponses interims = clientsCall && client != null ? InterimResponses.of(exchange) : null;
        new UpstreamCall(exchange, callback, request, body, target, pool, settings, limit, holding, client, interims)
                .start();
    }

    /** The {@code serai.dns.*} settings; before the first call or probe, which makes the resolver. */
    public void resolveWith(DnsSettings dns) {
        this.dns = dns;
    }

    /**
     * Every address of {@code target}'s host, looked up now (waiting on the calling thread, never an event
     * loop) and again as its records' TTLs run out; {@code onChange} gets each new set whole, on an event loop.
     */
    public AddressWatch watchAddresses(UpstreamTarget target, Consumer<List<InetAddress>> onChange) {
        return resolver().watch(target, ownLoops().next(), onChange);
    }

    /**
     * How a call takes its response: whole up to {@code serai.upstream.max-response-body} when {@code whole};
     * otherwise streamed, its first bytes kept (a window's worth, or {@code holdUpTo} for a cache).
     */
    ResponseHolding holding(boolean whole, long holdUpTo) {
        return whole
                ? ResponseHolding.whole(settings.maxResponseBody())
                : ResponseHolding.streamed(Math.max(settings.streamWindow(), holdUpTo), holdUpTo > 0);
    }

    /**
     * What sends {@code target}'s health checks and load reports: a connection of its own per probe, on
     * this client's event loops, verified as the target's traffic is.
     */
    public ProbeClient probes(UpstreamTarget target) {
        return new UpstreamProbes(target, this::ownLoops, () -> resolverFor(target), tls, settings);
    }

    /** The connection of the client this exchange answers, when it came in over netty-http. */
    private static Channel clientChannel(Exchange exchange) {
        Object ctx = exchange.getMessage().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT);
        if (ctx == null) {
            ctx = exchange.getIn().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT);
        }
        return ctx instanceof ChannelHandlerContext handlerContext ? handlerContext.channel() : null;
    }

    private EventLoopGroup ownLoops() {
        EventLoopGroup group = ownLoops;
        if (group == null) {
            synchronized (this) {
                if (ownLoops == null) {
                    ownLoops = new NioEventLoopGroup(0, new DefaultThreadFactory("serai-upstream", true));
                }
                group = ownLoops;
            }
        }
        return group;
    }

    /** The DNS resolver for a target with a name; none for an IP address, so it makes no resolver at all. */
    private AddressResolverGroup<? extends SocketAddress> resolverFor(UpstreamTarget target) {
        return target.address().isUnresolved() ? resolver().group() : NoopAddressResolverGroup.INSTANCE;
    }

    private BackendResolver resolver() {
        BackendResolver r = resolver;
        if (r == null) {
            synchronized (this) {
                if (resolver == null) {
                    resolver = new BackendResolver(dns);
                }
                r = resolver;
            }
        }
        return r;
    }

    private ChannelPool newPool(PoolKey key) {
        Bootstrap bootstrap = new Bootstrap()
                .group(key.loop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        settings.upstreamConnectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .resolver(resolverFor(key.target()))
                .remoteAddress(key.target().address());
        if (key.target().http2()) {
            return new Http2ConnectionPool(bootstrap, key.loop(), key.target(), tls, settings);
        }
        return new SimpleChannelPool(
                bootstrap, new ConnectionSetup(key.target()), ChannelHealthChecker.ACTIVE, true, true);
    }

    @Override
    public void close() {
        pools.values().forEach(ChannelPool::close);
        pools.clear();
        BackendResolver r = resolver;
        if (r != null) {
            r.close();
            resolver = null;
        }
        EventLoopGroup group = ownLoops;
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }

    private record PoolKey(EventLoop loop, UpstreamTarget target) {}

    /** The pipeline of a new backend connection. */
    private final class ConnectionSetup extends AbstractChannelPoolHandler {

        private final UpstreamTarget target;

        ConnectionSetup(UpstreamTarget target) {
            this.target = target;
        }

        @Override
        public void channelCreated(Channel ch) throws Exception {
            // The handshake is part of connecting: bounded by the same time.
            target.addTls(ch, tls, settings.upstreamConnectTimeout());
            long idleSeconds = Math.max(1, settings.upstreamIdleTimeout().toSeconds());
            ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleSeconds, TimeUnit.SECONDS));
            UpstreamConnectionHandler handler = new UpstreamConnectionHandler();
            ch.pipeline()
                    .addLast(
                            "codec",
                            new BackendHttpCodec(
                                    4096, settings.maxHeader(), BodyStream.MAX_CHUNK, handler::answersHead));
            ch.pipeline().addLast("call", handler);
        }
    }
}
