package io.serai.routing;

/**
 * What a listener route says about itself on its {@code from:} URI, beyond its path: the hosts it serves
 * ({@code virtualHosts}), and whether it takes bodies whole instead of as streams:
 * {@code requestBuffering=true} holds the request body whole (up to {@code serai.limits.max-body}) before
 * the route runs, for routes whose own steps read it; {@code responseBuffering=true} holds each backend
 * response whole (up to {@code serai.upstream.max-response-body}) before it is sent on, as nginx's
 * {@code proxy_buffering on}, which frees a backend from a slow client.
 */
public record RouteOptions(VirtualHosts virtualHosts, boolean requestBuffering, boolean responseBuffering) {

    public static final RouteOptions DEFAULTS = new RouteOptions(VirtualHosts.ANY, false, false);

    /** True when any option differs from its default (they are all for listeners, never for backends). */
    public boolean any() {
        return !virtualHosts.isAny() || requestBuffering || responseBuffering;
    }
}
