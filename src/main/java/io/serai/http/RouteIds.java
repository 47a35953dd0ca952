package io.serai.http;

/**
 * A route's id as the user wrote it and as Camel runs it. A reload starts a route's new version next
 * to the old one, which drains, and Camel cannot run two routes with one id: the new version runs as
 * {@code api~2}. Everything a user sees or that keeps state per route (metrics, logs, error answers,
 * breakers, limits, cache keys, {@code /routes}) uses the user's id, {@link #userId}. Kept in the
 * lowest package so that error answers can name the route too.
 */
public final class RouteIds {

    /** Separates the user's id from the generation; route files may not use it in ids. */
    public static final char GENERATION = '~';

    private RouteIds() {}

    /** True for the admin listener's routes ({@code serai-admin...}): no user traffic, not counted or traced. */
    public static boolean isAdmin(String routeId) {
        return routeId.startsWith("serai-admin");
    }

    /** The id the user gave the route (or Serai gave it from its file), without the generation. */
    public static String userId(String routeId) {
        if (routeId == null) {
            return null;
        }
        int at = routeId.indexOf(GENERATION);
        return at < 0 ? routeId : routeId.substring(0, at);
    }

    /** The user's id of the route {@code exchange} came in on; empty when it came from no route. */
    public static String of(org.apache.camel.Exchange exchange) {
        String id = exchange.getFromRouteId();
        return id == null ? "" : userId(id);
    }

    /** The id Camel runs generation {@code generation} of {@code userId} under; the first keeps the user's. */
    public static String internalId(String userId, long generation) {
        return generation <= 1 ? userId : userId + GENERATION + generation;
    }

    /** Which generation {@code routeId} is: 1 for the first load, higher for each reload. */
    public static long generation(String routeId) {
        int at = routeId.indexOf(GENERATION);
        if (at < 0) {
            return 1;
        }
        try {
            return Long.parseLong(routeId.substring(at + 1));
        } catch (NumberFormatException notOurs) {
            return 1;
        }
    }
}
