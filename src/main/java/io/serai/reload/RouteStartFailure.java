package io.serai.reload;

import io.serai.http.RouteIds;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;

/**
 * Says in one line why Camel refused to create or start a route, naming the route and the file and
 * line it came from: Camel's own message repeats the whole route definition and a stack trace.
 */
public final class RouteStartFailure {

    private RouteStartFailure() {}

    /** The one-line description, or null when {@code failure} is not about a route. */
    public static String describe(Throwable failure, CamelContext context) {
        String routeId = routeId(failure);
        if (routeId == null) {
            return null;
        }
        return "route " + RouteIds.userId(routeId) + where(routeId, failure, context) + ": " + reason(failure);
    }

    /** Camel's id of the route {@code failure} is about, or null when it is about none. */
    static String routeId(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FailedToCreateRouteException create) {
                return create.getRouteId();
            } else if (t instanceof FailedToStartRouteException start) {
                return start.getRouteId();
            }
        }
        return null;
    }

    /** Why, in the words of the innermost cause (Camel's outer messages repeat the route definition). */
    static String reason(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static String where(String routeId, Throwable failure, CamelContext context) {
        if (context == null) {
            return "";
        }
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        RouteDefinition route = model == null ? null : model.getRouteDefinition(routeId);
        if (route == null || route.getLocation() == null) {
            return "";
        }
        String location = route.getLocation();
        int slash = location.lastIndexOf('/');
        String file = slash >= 0 ? location.substring(slash + 1) : location;
        int line = FailedStep.line(failure, route);
        return " (" + file + (line > 0 ? ":" + line : "") + ")";
    }
}
