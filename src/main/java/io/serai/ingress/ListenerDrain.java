package io.serai.ingress;

import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelMatchers;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.apache.camel.component.netty.NettyServerBootstrapConfiguration;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Serai's listeners as a graceful shutdown sees them. Once {@link #begin} runs, the traffic listeners
 * accept no new connection (their server sockets close; open connections keep working) and every answer
 * on an open connection says {@code Connection: close} (an HTTP/2 connection gets GOAWAY), so a kept-alive client leaves after the request
 * it has in flight instead of meeting a closed socket with its next one.
 */
public final class ListenerDrain {

    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final AtomicInteger streaming = new AtomicInteger();
    private final ChannelGroup http2Connections = new DefaultChannelGroup("serai http2", GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;
    private volatile int adminPort = -1;

    /**
     * A copy of a listener's {@code configuration} whose server keeps its server socket where {@link #begin}
     * finds it (Camel's {@code channelGroup} option); {@code started} says whether that server is meant to
     * listen now (it stops when its last route is removed).
     */
    public NettyServerBootstrapConfiguration listening(
            NettyHttpConfiguration configuration, String address, BooleanSupplier started) {
        Listener listener = new Listener(
                new DefaultChannelGroup("serai " + address, GlobalEventExecutor.INSTANCE),
                configuration.getPort(),
                started);
        listeners.put(address, listener);
        NettyHttpConfiguration copy = configuration.copy();
        copy.setChannelGroup(listener.channels());
        return copy;
    }

    /** The admin listener's port: it keeps accepting, to answer readiness probes (503) until the end. */
    public void keepAccepting(int adminPort) {
        this.adminPort = adminPort;
    }

    /** Stops accepting on the traffic listeners and marks every further answer {@code Connection: close}. */
    public void begin() {
        draining = true;
        for (Listener listener : listeners.values()) {
            if (listener.port() != adminPort) {
                listener.channels().close(ChannelMatchers.isServerChannel()).awaitUninterruptibly(2_000);
            }
        }
        // Netty's HTTP/2 handler answers a close with GOAWAY and closes when the open streams have finished.
        http2Connections.close();
    }

    /** An HTTP/2 client connection: a graceful shutdown tells it GOAWAY (the group forgets it when it closes). */
    void http2Connection(Channel connection) {
        http2Connections.add(connection);
        if (draining) {
            connection.close();
        }
    }

    public boolean isDraining() {
        return draining;
    }

    void responseStarted() {
        streaming.incrementAndGet();
    }

    void responseEnded() {
        streaming.decrementAndGet();
    }

    /** Streamed response bodies still being written to clients (their exchanges may be done already). */
    public int streamingResponses() {
        return streaming.get();
    }

    /** The addresses of listeners that should accept connections and do not (empty when all are bound). */
    public List<String> unboundListeners() {
        List<String> unbound = new ArrayList<>();
        listeners.forEach((address, listener) -> {
            if (listener.started().getAsBoolean() && !listening(listener.channels())) {
                unbound.add(address);
            }
        });
        return unbound;
    }

    private static boolean listening(ChannelGroup channels) {
        for (Channel channel : channels) {
            if (channel instanceof ServerChannel && channel.isActive()) {
                return true;
            }
        }
        return false;
    }

    private record Listener(ChannelGroup channels, int port, BooleanSupplier started) {}
}
