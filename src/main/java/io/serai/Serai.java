package io.serai;

import io.serai.config.RouteLocations;
import io.serai.config.SeraiConfiguration;
import org.apache.camel.main.Main;

/** Starts Serai: Camel main with Serai's configuration and the route files named by SERAI_ROUTES. */
public final class Serai {

    private Serai() {
    }

    public static void main(String[] args) throws Exception {
        RouteLocations routes = RouteLocations.fromEnvironment();
        routes.requireExisting();
        Main main = new Main();
        main.configure().addConfiguration(SeraiConfiguration.class);
        main.configure().withRoutesIncludePattern(routes.includePattern());
        System.exit(main.run(args));
    }
}
