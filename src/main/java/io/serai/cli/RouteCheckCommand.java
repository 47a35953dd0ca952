package io.serai.cli;

import io.serai.config.RouteLocations;
import io.serai.reload.RouteCheck;
import io.serai.reload.RouteFiles;
import io.serai.reload.RouteProblem;
import org.apache.camel.main.Main;

import java.io.PrintStream;

/**
 * {@code --check}: Camel Main configured as for a start (application.properties, -D options, SERAI_*
 * variables, plugins) but only initialised, never started, then every route file checked by
 * {@link RouteCheck}.
 */
public final class RouteCheckCommand {

    private RouteCheckCommand() {}

    /** Checks {@code routes}; prints the summary on {@code out} or the problems on {@code err}; the exit code. */
    public static int run(RouteLocations routes, ClassLoader plugins, PrintStream out, PrintStream err)
            throws Exception {
        Main main = CamelMains.withSeraiConfiguration(plugins);
        // Configures the context (Serai's components, beans and settings); start() is what would bind and connect.
        main.init();
        RouteCheck.Result result = new RouteCheck(main.getCamelContext()).check(new RouteFiles(routes));
        if (result.ok()) {
            out.println(result.summary());
            return 0;
        }
        for (RouteProblem problem : result.problems()) {
            err.println(problem);
        }
        return 1;
    }
}
