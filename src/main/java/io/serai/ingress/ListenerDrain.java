package io.serai.ingress;

import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelMatchers;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Serai's listeners as a graceful shutdown sees them. Once {@link #begin} runs, the traffic listeners
 * accept no new connection (their server sockets close; open connections keep working) and every answer
 * on an open connection says {@code Connection: close}, so a kept-alive client leaves after the request
 * it has in flight instead of meeting a closed socket with its next one.
 */
public final class ListenerDrain {

    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final AtomicInteger streaming = new AtomicInteger();
    private volatile boolean draining;

    /**
     * The channel group Camel's server for {@code address} is to keep its server socket in (its
     * {@code channelGroup} option); {@code started} says whether that server is meant to listen now (it
     * stops when its last route is removed); {@code keepsAccepting} marks the admin listener, which
     * answers readiness probes (503) until the end.
     */
    public ChannelGroup listener(String address, BooleanSupplier started, boolean keepsAccepting) {
        Listener listener = new Listener(
                new DefaultChannelGroup("serai " + address, GlobalEventExecutor.INSTANCE), started, keepsAccepting);
        listeners.put(address, listener);
        return listener.channels();
    }

    /** Stops accepting on the traffic listeners and marks every further answer {@code Connection: close}. */
    public void begin() {
        draining = true;
        for (Listener listener : listeners.values()) {
            if (!listener.keepsAccepting()) {
                listener.channels().close(ChannelMatchers.isServerChannel()).awaitUninterruptibly(2_000);
            }
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

    private record Listener(ChannelGroup channels, BooleanSupplier started, boolean keepsAccepting) {}
}
