package io.serai.cli;

import io.serai.config.RouteLocations;
import io.serai.reload.RouteCheck;
import io.serai.reload.RouteFiles;
import io.serai.reload.RouteProblem;
import org.apache.camel.main.Main;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code --check}: Camel Main configured as for a start (application.properties, -D options, SERAI_*
 * variables, plugins) but only initialised, never started, then every route file checked by
 * {@link RouteCheck}. Each PATH argument is one SERAI_ROUTES value, checked as its own start would check
 * it: {@code --check examples/*.camel.yaml} checks each example alone, as each is meant to run.
 */
public final class RouteCheckCommand {

    private RouteCheckCommand() {}

    /** Checks {@code routes}; prints the summary on {@code out} or the problems on {@code err}; the exit code. */
    public static int run(List<RouteLocations> starts, ClassLoader plugins, PrintStream out, PrintStream err)
            throws Exception {
        int files = 0;
        int routes = 0;
        boolean ok = true;
        for (RouteLocations start : starts) {
            RouteCheck.Result result = check(start, plugins);
            files += result.files();
            routes += result.routes();
            ok &= result.ok();
            for (RouteProblem problem : result.problems()) {
                err.println(problem);
            }
        }
        if (ok) {
            out.println("serai: " + files + " route file(s), " + routes + " route(s) OK");
        }
        return ok ? 0 : 1;
    }

    private static RouteCheck.Result check(RouteLocations routes, ClassLoader plugins) throws Exception {
        Main main = CamelMains.withSeraiConfiguration(plugins);
        // Configures the context (Serai's components, beans and settings); start() is what would bind and connect.
        main.init();
        try {
            return new RouteCheck(main.getCamelContext()).check(new RouteFiles(routes));
        } finally {
            main.getCamelContext().close();
        }
    }
}
