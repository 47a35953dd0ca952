package io.serai;

import io.serai.cli.CamelMains;
import io.serai.cli.CommandLine;
import io.serai.cli.RouteCheckCommand;
import io.serai.cli.Usage;
import io.serai.cli.Versions;
import io.serai.config.PluginJars;
import io.serai.config.RouteLocations;
import io.serai.reload.RouteLoading;
import io.serai.reload.RouteStartFailure;
import org.apache.camel.main.Main;

import java.util.ArrayList;
import java.util.List;

/**
 * Starts Serai: Camel main with Serai's configuration, the plugin jars of SERAI_PLUGINS and the route
 * files of SERAI_ROUTES; or, with {@code --check}, {@code --version} or {@code --help}, does that instead.
 */
public final class Serai {

    private Serai() {}

    public static void main(String[] args) throws Exception {
        CommandLine command;
        try {
            command = CommandLine.parse(args);
        } catch (CommandLine.UsageException e) {
            System.err.println("serai: " + e.getMessage());
            System.err.print(Usage.text());
            System.exit(2);
            return;
        }
        switch (command.action()) {
            case HELP -> System.out.print(Usage.text());
            case VERSION -> System.out.print(Versions.text());
            case CHECK -> {
                // Before the first logger exists: the check's output is its report, not Camel's start-up lines.
                if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
                    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
                }
                check(command);
            }
            case RUN -> run(command.camelArgs().toArray(String[]::new));
        }
    }

    private static void check(CommandLine command) throws Exception {
        List<RouteLocations> starts = new ArrayList<>();
        ClassLoader plugins;
        try {
            if (command.paths().isEmpty()) {
                starts.add(RouteLocations.fromEnvironment());
            }
            for (String path : command.paths()) {
                starts.add(RouteLocations.parse(path));
            }
            starts.forEach(
                    routes -> routes.requireExisting(command.paths().isEmpty() ? RouteLocations.ENV : "--check"));
            plugins = PluginJars.fromEnvironment(Serai.class.getClassLoader());
        } catch (IllegalArgumentException e) {
            refuse(e.getMessage());
            return;
        }
        Thread.currentThread().setContextClassLoader(plugins);
        int exit;
        try {
            exit = RouteCheckCommand.run(starts, plugins, System.out, System.err);
        } catch (IllegalArgumentException e) {
            // A setting Serai's configuration refused: as at a start.
            System.err.println("serai: " + e.getMessage());
            exit = 2;
        }
        System.exit(exit);
    }

    private static void run(String[] camelArgs) throws Exception {
        RouteLocations routes;
        ClassLoader plugins;
        try {
            routes = RouteLocations.fromEnvironment();
            routes.requireExisting();
            plugins = PluginJars.fromEnvironment(Serai.class.getClassLoader());
        } catch (IllegalArgumentException e) {
            // A configuration mistake is the user's to fix: one line that says what, no stack trace.
            refuse(e.getMessage());
            return;
        }
        Thread.currentThread().setContextClassLoader(plugins);
        Main main = CamelMains.withSeraiConfiguration(plugins);
        main.addMainListener(new RouteLoading(routes));
        try {
            System.exit(main.run(camelArgs));
        } catch (RouteLoading.BrokenRoutesException e) {
            refuse("route file not loaded: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // A setting Serai's configuration refused; the message names the setting and the value or file.
            refuse(e.getMessage());
        } catch (RuntimeException e) {
            String refused = RouteStartFailure.describe(e, main.getCamelContext());
            if (refused == null) {
                refused = portTaken(e);
            }
            if (refused == null) {
                throw e;
            }
            refuse(refused);
        }
    }

    /** One line for a listener that could not bind, or null when that is not what went wrong. */
    private static String portTaken(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException bind) {
                return "cannot listen: " + bind.getMessage() + ". Another process holds one of Serai's ports: "
                        + "serai.port, serai.admin.port (9090 by default; serai.admin.enabled=false turns the admin "
                        + "listener off) or a port in a route's from: URI";
            }
        }
        return null;
    }

    /** A mistake that is the user's to fix: one line that says what, no stack trace, exit code 2. */
    private static void refuse(String message) {
        System.err.println("serai: " + message);
        System.exit(2);
    }
}
