package io.serai.routing;

import io.serai.http.RouteIds;
import org.apache.camel.component.netty.http.handlers.HttpServerChannelHandler;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One listener route in the dispatch table: its path pattern, its options (the hosts it serves, how it
 * takes bodies), the methods it takes ({@code httpMethodRestrict}; null for all) and Camel's handler that
 * runs its exchange. {@code handing} counts requests the dispatcher chose it for and has not yet handed
 * to Camel (which counts them in flight from then on), so a retired route is not stopped under them.
 */
record RouteEntry(
        String routeId,
        RoutePattern pattern,
        RouteOptions options,
        Set<String> methods,
        HttpServerChannelHandler handler,
        AtomicInteger handing) {

    static Set<String> methods(String restrict) {
        if (restrict == null || restrict.isBlank()) {
            return null;
        }
        Set<String> methods = new TreeSet<>();
        Arrays.stream(restrict.split(","))
                .map(m -> m.trim().toUpperCase(Locale.ROOT))
                .filter(m -> !m.isEmpty())
                .forEach(methods::add);
        return methods;
    }

    VirtualHosts hosts() {
        return options.virtualHosts();
    }

    boolean takes(String method) {
        return methods == null || methods.contains(method);
    }

    /** True when both could answer one request: same hosts, same pattern shape, a method in common. */
    boolean overlaps(RouteEntry other) {
        if (!pattern.shape().equals(other.pattern.shape())) {
            return false;
        }
        if (methods != null && other.methods != null && methods.stream().noneMatch(other.methods::contains)) {
            return false;
        }
        VirtualHosts hosts = hosts();
        VirtualHosts others = other.hosts();
        return hosts.isAny() && others.isAny()
                || hosts.exact().stream().anyMatch(others.exact()::contains)
                || hosts.wildcardSuffixes().stream().anyMatch(others.wildcardSuffixes()::contains);
    }

    @Override
    public String toString() {
        return "route " + RouteIds.userId(routeId) + " (" + pattern + ", " + hosts()
                + (methods == null ? "" : ", " + methods) + ")";
    }
}
