package io.serai.websocket;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.serai.camel.MeterGroups;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One route's WebSocket tunnels as meters: {@code serai_websocket_connections{route}} (open now) and
 * {@code serai_websocket_bytes_total{route,direction}} (counted as bytes pass), in Serai's registry.
 */
public final class WebSocketMeters implements Tunnel.Meters {

    private static final MeterGroups<String, WebSocketMeters> GROUPS = new MeterGroups<>(WebSocketMeters::new);

    private final AtomicInteger open = new AtomicInteger();
    private final Counter fromClient;
    private final Counter toClient;

    private WebSocketMeters(MeterRegistry registry, String route) {
        Gauge.builder("serai.websocket.connections", open, AtomicInteger::get)
                .description("Open WebSocket connections (client and backend tunnelled), per route")
                .tag("route", route)
                .register(registry);
        fromClient = Counter.builder("serai.websocket.bytes")
                .baseUnit("bytes")
                .description("Bytes through WebSocket tunnels, by direction")
                .tags("route", route, "direction", "from-client")
                .register(registry);
        toClient = Counter.builder("serai.websocket.bytes")
                .baseUnit("bytes")
                .description("Bytes through WebSocket tunnels, by direction")
                .tags("route", route, "direction", "to-client")
                .register(registry);
    }

    /** The meters of {@code route}'s tunnels in {@code registry} (none when there is no registry). */
    public static Tunnel.Meters of(MeterRegistry registry, String route) {
        if (registry == null) {
            return Tunnel.Meters.NONE;
        }
        return GROUPS.of(registry, route);
    }

    @Override
    public void opened() {
        open.incrementAndGet();
    }

    @Override
    public void moved(boolean fromClient, int bytes) {
        (fromClient ? this.fromClient : toClient).increment(bytes);
    }

    @Override
    public void closed() {
        open.decrementAndGet();
    }
}
