package io.serai.reload;

import io.serai.http.RouteIds;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a route file with Camel's YAML DSL into route definitions without adding them to Camel, so a
 * broken file can be refused while the running routes stay as they are.
 */
public final class RouteFileLoader {

    private static final Pattern LINE = Pattern.compile("line (\\d+), column");
    private static final Pattern BEAN = Pattern.compile("Error creating bean: (\\S+) of type");
    private static final Pattern PROPERTY = Pattern.compile("with name: (\\S+) on bean");

    private final CamelContext context;

    public RouteFileLoader(CamelContext context) {
        this.context = context;
    }

    public List<RouteDefinition> load(RouteFiles.RouteFile file) throws RouteFileException {
        String location = "file:" + file.path().toAbsolutePath();
        Resource resource = ResourceHelper.fromBytes(location, file.content());
        List<RouteDefinition> routes = new ArrayList<>();
        try {
            for (RoutesBuilder builder : PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource)) {
                if (builder instanceof RouteBuilder routeBuilder) {
                    routes.addAll(routeBuilder.configureRoutes(context).getRoutes());
                }
            }
        } catch (Exception e) {
            throw describe(file, e);
        }
        for (RouteDefinition route : routes) {
            if (route.getRouteId() == null) {
                // A stable id per file and position, so a reload replaces the route it came from.
                route.setId(routeIdFor(file, routes.indexOf(route)));
            } else if (route.getRouteId().indexOf(RouteIds.GENERATION) >= 0) {
                throw new RouteFileException(
                        file.path(),
                        route.getLineNumber(),
                        "route id " + route.getRouteId() + " contains '" + RouteIds.GENERATION
                                + "', which Serai keeps for the generations of reloaded routes",
                        null);
            }
        }
        return routes;
    }

    static String routeIdFor(RouteFiles.RouteFile file, int index) {
        String name = file.path().getFileName().toString();
        return name.substring(0, name.length() - ".camel.yaml".length()) + "-" + (index + 1);
    }

    /** The line of the bean (or its property) that Camel could not create, or 0. */
    private static int beanLine(RouteFiles.RouteFile file, Throwable error) {
        String bean = null;
        String property = null;
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            Matcher b = BEAN.matcher(message);
            if (bean == null && b.find()) {
                bean = b.group(1);
            }
            Matcher p = PROPERTY.matcher(message);
            if (property == null && p.find()) {
                property = p.group(1);
            }
        }
        return bean == null ? 0 : RouteAtLine.beanLine(file, bean, property);
    }

    /** One line: the file, the line the parser pointed at, and what it said, without its excerpt. */
    static RouteFileException describe(RouteFiles.RouteFile file, Throwable error) {
        Throwable root = error;
        while (root.getCause() != null
                && root.getCause() != root
                && root.getMessage() != null
                && !root.getMessage().contains(", line ")) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int line = 0;
        Matcher m = LINE.matcher(message);
        while (m.find()) {
            // The last mark is where the parser found the problem, an earlier one the context it was in; at the
            // end of the file the problem mark says only that the file ended, the context where the unfinished
            // thing (a quote, a block) began.
            line = Integer.parseInt(m.group(1));
            if (message.contains("end of stream")) {
                break;
            }
        }
        if (line == 0) {
            line = beanLine(file, error);
        }
        List<String> said = new ArrayList<>();
        for (String part : message.split("\n")) {
            String trimmed = part.strip();
            if (!trimmed.isEmpty() && !part.startsWith(" ") && !trimmed.startsWith("in ") && !trimmed.equals("^")) {
                said.add(trimmed);
            }
        }
        return new RouteFileException(
                file.path(), line, said.isEmpty() ? message.strip() : String.join("; ", said), error);
    }
}
