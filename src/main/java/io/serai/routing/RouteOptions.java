package io.serai.routing;

/**
 * What a listener route says about itself on its {@code from:} URI, beyond its path: the hosts it serves
 * ({@code virtualHosts}), and whether it takes bodies whole instead of as streams:
 * {@code requestBuffering=true} holds the request body whole (up to {@code serai.limits.max-body}) before
 * the route runs, for routes whose own steps read it; {@code responseBuffering=true} holds each backend
 * response whole (up to {@code serai.upstream.max-response-body}) before it is sent on, as nginx's
 * {@code proxy_buffering on}, which frees a backend from a slow client; {@code webSocket=true} lets a
 * client's WebSocket handshake through to the backend, whose 101 turns the connection into a tunnel (as
 * Envoy's {@code upgrade_configs} and nginx's explicit {@code Upgrade} header opt in per route).
 */
public record RouteOptions(
        VirtualHosts virtualHosts, boolean requestBuffering, boolean responseBuffering, boolean webSocket) {

    public static final RouteOptions DEFAULTS = new RouteOptions(VirtualHosts.ANY, false, false, false);

    /** True when any option differs from its default (they are all for listeners, never for backends). */
    public boolean any() {
        return !virtualHosts.isAny() || requestBuffering || responseBuffering || webSocket;
    }
}
