package io.serai;

import io.serai.config.RouteLocations;
import io.serai.config.SeraiConfiguration;
import io.serai.reload.RouteLoading;
import org.apache.camel.main.Main;

/** Starts Serai: Camel main with Serai's configuration and the route files named by SERAI_ROUTES. */
public final class Serai {

    private Serai() {
    }

    public static void main(String[] args) throws Exception {
        RouteLocations routes;
        try {
            routes = RouteLocations.fromEnvironment();
            routes.requireExisting();
        } catch (IllegalArgumentException e) {
            // A configuration mistake is the user's to fix: one line that says what, no stack trace.
            System.err.println("serai: " + e.getMessage());
            System.exit(2);
            return;
        }
        Main main = new Main();
        main.configure().addConfiguration(SeraiConfiguration.class);
        main.addMainListener(new RouteLoading(routes));
        try {
            System.exit(main.run(args));
        } catch (RouteLoading.BrokenRoutesException e) {
            System.err.println("serai: route file not loaded: " + e.getMessage());
            System.exit(2);
        }
    }
}
