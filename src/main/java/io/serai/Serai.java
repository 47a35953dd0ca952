package io.serai;

import io.serai.config.PluginJars;
import io.serai.config.RouteLocations;
import io.serai.config.SeraiConfiguration;
import io.serai.reload.RouteLoading;
import io.serai.reload.RouteStartFailure;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * Starts Serai: Camel main with Serai's configuration, the plugin jars of SERAI_PLUGINS and the route
 * files of SERAI_ROUTES.
 */
public final class Serai {

    private Serai() {}

    public static void main(String[] args) throws Exception {
        RouteLocations routes;
        ClassLoader plugins;
        try {
            routes = RouteLocations.fromEnvironment();
            routes.requireExisting();
            plugins = PluginJars.fromEnvironment(Serai.class.getClassLoader());
        } catch (IllegalArgumentException e) {
            // A configuration mistake is the user's to fix: one line that says what, no stack trace.
            System.err.println("serai: " + e.getMessage());
            System.exit(2);
            return;
        }
        Thread.currentThread().setContextClassLoader(plugins);
        Main main = new Main();
        main.configure().addConfiguration(SeraiConfiguration.class);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                // Camel resolves classes named in YAML (bean types, #class:...) and component
                // service files through this loader.
                m.getCamelContext().setApplicationContextClassLoader(plugins);
            }
        });
        main.addMainListener(new RouteLoading(routes));
        try {
            System.exit(main.run(args));
        } catch (RouteLoading.BrokenRoutesException e) {
            System.err.println("serai: route file not loaded: " + e.getMessage());
            System.exit(2);
        } catch (IllegalArgumentException e) {
            // A setting Serai's configuration refused; the message names the setting and the value or file.
            System.err.println("serai: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            String refused = RouteStartFailure.describe(e, main.getCamelContext());
            if (refused == null) {
                refused = portTaken(e);
            }
            if (refused == null) {
                throw e;
            }
            System.err.println("serai: " + refused);
            System.exit(2);
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
}
