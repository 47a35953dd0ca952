package io.serai.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.ChannelPool;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.serai.security.upstream.BackendTlsContexts;
import io.serai.settings.ProxySettings;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/2 connections to one {@code protocol=h2} backend from one event loop, lent out one stream at a
 * time: {@link #acquire} gives a new stream channel (Netty's {@link Http2StreamChannelBootstrap}) whose pipeline
 * turns frames into HTTP objects ({@link Http2StreamFrameToHttpObjectCodec}) for the same
 * {@link UpstreamConnectionHandler} and {@link UpstreamCall} an HTTP/1.1 connection has, so a call's streaming,
 * time limits, retries and error mapping are one code for both. A stream goes on the first connection with room
 * ({@code serai.upstream.http2.max-concurrent-streams}, and what the backend's SETTINGS_MAX_CONCURRENT_STREAMS
 * allows); a connection opens only when every one is full. A connection that got GOAWAY takes no new stream and
 * closes when its last one ends; a closed one leaves the pool; one without streams for
 * {@code serai.upstream.idle-timeout} closes. Netty's pools lend whole channels, one user each, hence this one.
 * Everything runs on the pool's event loop.
 */
final class Http2ConnectionPool implements ChannelPool {

    private final Bootstrap bootstrap;
    private final EventLoop loop;
    private final UpstreamTarget target;
    private final BackendTlsContexts tls;
    private final ProxySettings settings;
    private final List<Connection> connections = new ArrayList<>(2);
    private boolean closed;

    /** {@code bootstrap} connects to the backend on {@code loop}; its handler is set per connection here. */
    Http2ConnectionPool(
            Bootstrap bootstrap,
            EventLoop loop,
            UpstreamTarget target,
            BackendTlsContexts tls,
            ProxySettings settings) {
        this.bootstrap = bootstrap;
        this.loop = loop;
        this.target = target;
        this.tls = tls;
        this.settings = settings;
    }

    @Override
    public Future<Channel> acquire() {
        return acquire(loop.newPromise());
    }

    @Override
    public Future<Channel> acquire(Promise<Channel> promise) {
        if (loop.inEventLoop()) {
            take(promise);
        } else {
            loop.execute(() -> take(promise));
        }
        return promise;
    }

    /** A stream is not reused: it ends (closed, reset if it had not ended) and its room is free. */
    @Override
    public Future<Void> release(Channel stream) {
        return release(stream, loop.newPromise());
    }

    @Override
    public Future<Void> release(Channel stream, Promise<Void> promise) {
        stream.close();
        return promise.setSuccess(null);
    }

    @Override
    public void close() {
        try {
            loop.execute(() -> {
                closed = true;
                for (Connection c : new ArrayList<>(connections)) {
                    c.parent.close();
                }
            });
        } catch (RejectedExecutionException shutDown) {
            // The event loop stopped first, and its channels with it.
        }
    }

    private void take(Promise<Channel> promise) {
        if (closed) {
            promise.tryFailure(new ClosedChannelException());
            return;
        }
        for (Connection c : connections) {
            if (c.hasRoom()) {
                c.open(promise);
                return;
            }
        }
        for (Connection c : connections) {
            if (c.mayWait()) {
                c.waiters.add(promise);
                return;
            }
        }
        Connection fresh = new Connection();
        connections.add(fresh);
        fresh.waiters.add(promise);
        fresh.connect();
    }

    /** One HTTP/2 connection: its streams counted, its GOAWAY seen, its idle time watched. */
    private final class Connection extends ChannelInboundHandlerAdapter {

        final ArrayDeque<Promise<Channel>> waiters = new ArrayDeque<>(1);
        Channel parent;
        Http2FrameCodec codec;
        int active;
        int opened;
        boolean goingAway;
        long idleSince;
        ScheduledFuture<?> idleTimer;

        void connect() {
            ChannelFuture connecting = bootstrap
                    .clone()
                    .handler(new Http2ConnectionSetup(target, tls, settings, settings.upstreamConnectTimeout(), this))
                    .connect();
            parent = connecting.channel();
            parent.closeFuture().addListener(closed -> gone(new ClosedChannelException()));
            connecting.addListener(connected -> {
                if (!connected.isSuccess()) {
                    gone(connected.cause());
                    return;
                }
                Http2ConnectionSetup.ready(parent).addListener(ready -> {
                    if (!ready.isSuccess()) {
                        gone(ready.cause());
                        parent.close();
                        return;
                    }
                    codec = Http2ConnectionSetup.codec(parent);
                    Promise<Channel> next;
                    while ((next = waiters.poll()) != null) {
                        // A waiter beyond what the backend allows opens another connection.
                        if (hasRoom()) {
                            open(next);
                        } else {
                            take(next);
                        }
                    }
                    if (active == 0) {
                        idleFromNow();
                    }
                });
            });
        }

        boolean hasRoom() {
            return codec != null
                    && !goingAway
                    && parent.isActive()
                    && !codec.connection().goAwayReceived()
                    && active < limit();
        }

        /** A connection still opening takes waiters up to the setting. */
        boolean mayWait() {
            return codec == null && waiters.size() < settings.upstreamHttp2MaxStreams();
        }

        private int limit() {
            return Math.min(
                    settings.upstreamHttp2MaxStreams(),
                    codec.connection().local().maxActiveStreams());
        }

        void open(Promise<Channel> promise) {
            active++;
            boolean reused = ++opened > 1;
            new Http2StreamChannelBootstrap(parent)
                    .handler(new Http2StreamSetup())
                    .open()
                    .addListener((Future<Http2StreamChannel> f) -> {
                        if (!f.isSuccess()) {
                            streamEnded();
                            if (!parent.isActive()) {
                                // Closed since it was chosen: another connection takes the stream.
                                take(promise);
                            } else {
                                promise.tryFailure(f.cause());
                            }
                            return;
                        }
                        Http2StreamChannel stream = f.getNow();
                        if (reused) {
                            // Its connection carried streams before: a failure before any answer may be a
                            // connection the backend was closing, as for a reused HTTP/1.1 connection.
                            stream.attr(UpstreamCall.USED).set(Boolean.TRUE);
                        }
                        stream.closeFuture().addListener(closed -> streamEnded());
                        if (!promise.trySuccess(stream)) {
                            stream.close();
                        }
                    });
        }

        private void streamEnded() {
            active--;
            if (active == 0) {
                if (goingAway) {
                    parent.close();
                } else {
                    idleFromNow();
                }
            }
        }

        private void idleFromNow() {
            idleSince = System.nanoTime();
            if (idleTimer == null) {
                idleTimer = loop.schedule(
                        this::closeIfIdle, settings.upstreamIdleTimeout().toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        private void closeIfIdle() {
            idleTimer = null;
            if (active > 0 || !parent.isOpen()) {
                return;
            }
            long left = idleSince + settings.upstreamIdleTimeout().toNanos() - System.nanoTime();
            if (left <= 0) {
                parent.close();
            } else {
                idleTimer = loop.schedule(this::closeIfIdle, left, TimeUnit.NANOSECONDS);
            }
        }

        private void gone(Throwable cause) {
            connections.remove(this);
            if (idleTimer != null) {
                idleTimer.cancel(false);
                idleTimer = null;
            }
            Promise<Channel> waiter;
            while ((waiter = waiters.poll()) != null) {
                waiter.tryFailure(cause);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // The multiplexer passes on the connection's own frames; GOAWAY is the one that matters here.
            if (msg instanceof Http2GoAwayFrame) {
                goingAway = true;
                if (active == 0) {
                    ctx.close();
                }
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // The codec has answered a protocol error already; the streams see the close.
            ctx.close();
        }
    }
}
