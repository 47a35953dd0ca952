package io.serai.reload;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.component.netty.http.NettyHttpConsumer;
import org.apache.camel.impl.engine.RouteService;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteDefinitionHelper;
import org.apache.camel.reifier.RouteReifier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code --check}: every route file parsed as a reload parses it ({@link RouteFileLoader}), and every route
 * built as a start builds it — endpoints created with their options checked, policies and load balancers
 * reified, the route's services initialised — but none started: no listener binds, no producer connects,
 * no health check runs. Every problem is collected, not only the first, in the words a start or a reload
 * would use.
 */
public final class RouteCheck {

    private final CamelContext context;
    private final RouteFileLoader loader;
    /** The consumer of each route built, by route id (none is added to the context). */
    private final Map<String, Consumer> built = new HashMap<>();

    /** {@code context} is configured (Serai's beans and components bound) and not started. */
    public RouteCheck(CamelContext context) {
        this.context = context;
        this.loader = new RouteFileLoader(context);
    }

    public Result check(RouteFiles files) {
        List<RouteProblem> problems = new ArrayList<>();
        Map<Path, Set<String>> idsByFile = new TreeMap<>();
        Map<Path, RouteFiles.RouteFile> snapshot = files.snapshot();
        int routes = 0;
        for (RouteFiles.RouteFile file : snapshot.values()) {
            List<RouteDefinition> definitions;
            try {
                definitions = loader.load(file);
            } catch (RouteFileException e) {
                problems.add(RouteProblem.of(e, RouteAtLine.idAt(file, e.line())));
                continue;
            }
            routes += definitions.size();
            Set<String> mine = new HashSet<>();
            for (RouteDefinition definition : definitions) {
                String id = definition.getRouteId();
                String taken = RouteIdClaims.refusal(file.path(), id, mine, idsByFile);
                mine.add(id);
                if (taken != null) {
                    problems.add(new RouteProblem(file.path(), definition.getLineNumber(), id, taken));
                    continue;
                }
                Exception refused = build(definition);
                if (refused == null) {
                    refused = listens(definition);
                }
                if (refused != null) {
                    problems.add(new RouteProblem(
                            file.path(), FailedStep.line(refused, definition), id, RouteStartFailure.reason(refused)));
                }
            }
            idsByFile.put(file.path(), mine);
        }
        return new Result(snapshot.size(), routes, problems);
    }

    /**
     * Adds the route's consumer to its listener's dispatch as its start would, which refuses a route that would
     * answer the requests of one already there (same port and path); the refusal, or null. The dispatch only
     * indexes routes: nothing binds.
     */
    private Exception listens(RouteDefinition definition) {
        if (built.get(definition.getRouteId()) instanceof NettyHttpConsumer http) {
            try {
                http.getEndpoint()
                        .getComponent()
                        .getMultiplexChannelHandler(http.getConfiguration().getPort())
                        .addConsumer(http);
            } catch (RuntimeException e) {
                return e;
            }
        }
        return null;
    }

    /** Builds the route as Camel's start does before it starts consumers; Camel's refusal, or null. */
    private Exception build(RouteDefinition definition) {
        try {
            // As DefaultCamelContext.startRouteDefinitions does: route-scoped onException, intercept and
            // onCompletion leave the steps for the route's error handler and hooks, every node gets its id.
            RouteDefinitionHelper.initParent(definition);
            if (!definition.isPrepared()) {
                RouteDefinitionHelper.prepareRoute(context, definition);
                definition.markPrepared();
            }
            RouteDefinitionHelper.forceAssignIds(context, definition.getInput());
            RouteDefinitionHelper.forceAssignIds(context, definition);
            Route route = new RouteReifier(context, definition).createRoute();
            // setUp creates the consumer and initialises the route's services; warmUp (not called) would start them.
            new RouteService(route).setUp();
            built.put(definition.getRouteId(), route.getConsumer());
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    /** What was checked and what was wrong. */
    public record Result(int files, int routes, List<RouteProblem> problems) {

        public boolean ok() {
            return problems.isEmpty();
        }
    }
}
