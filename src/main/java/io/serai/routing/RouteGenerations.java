package io.serai.routing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which routes every listener's {@link RouteDispatcher} serves while a reload swaps a file's routes for
 * their next generation. Between {@link #begin} and {@link #commit} the new routes start in Camel but
 * take no request (they are only checked against the routes that stay), and the old ones serve on; at
 * commit each listener publishes one table in which the new routes have taken the old ones' place, so a
 * file's routes switch together. The old routes, now retired, finish what they had in hand and drain
 * until Camel removes them. Reloads of different files are not atomic together.
 */
public final class RouteGenerations {

    private final Set<RouteDispatcher> dispatchers = ConcurrentHashMap.newKeySet();
    private final Set<String> retired = ConcurrentHashMap.newKeySet();
    private volatile Swap swap = Swap.NONE;

    void register(RouteDispatcher dispatcher) {
        dispatchers.add(dispatcher);
    }

    /** The routes {@code arriving} will replace the routes {@code leaving} (Camel route ids). */
    public void begin(Set<String> arriving, Set<String> leaving) {
        swap = new Swap(Set.copyOf(arriving), Set.copyOf(leaving));
    }

    /** The arriving routes all started: they take requests, the leaving ones take none from now. */
    public void commit() {
        retired.addAll(swap.leaving());
        swap = Swap.NONE;
        dispatchers.forEach(RouteDispatcher::publish);
    }

    /** The arriving routes were refused (and removed): the leaving ones keep serving. */
    public void abort() {
        swap = Swap.NONE;
        dispatchers.forEach(RouteDispatcher::publish);
    }

    /** True while some listener has handed or is handing a request to {@code routeId} that Camel may not count yet. */
    public boolean handing(String routeId) {
        return dispatchers.stream().anyMatch(d -> d.handing(routeId));
    }

    /** Whether the route takes requests now. */
    boolean serves(String routeId) {
        return !swap.arriving().contains(routeId) && !retired.contains(routeId);
    }

    /** Whether the route is among those a new route must not overlap: the ones serving once the swap commits. */
    boolean staysAfterSwap(String routeId) {
        return !swap.leaving().contains(routeId) && !retired.contains(routeId);
    }

    /** Camel removed the route: it is no one's concern any more. */
    void forget(String routeId) {
        retired.remove(routeId);
    }

    private record Swap(Set<String> arriving, Set<String> leaving) {
        static final Swap NONE = new Swap(Set.of(), Set.of());
    }
}
