package io.serai.support;

import io.serai.config.RouteLocations;
import io.serai.config.SeraiConfiguration;
import io.serai.reload.RouteLoading;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Serai started in-process as camel-main starts it from the jar: Serai's configuration, the given
 * route files, and properties that override application.properties (as -D options would).
 */
public final class RunningSerai implements AutoCloseable {

    private final Main main;
    private final int port;

    private RunningSerai(Main main, int port) {
        this.main = main;
        this.port = port;
    }

    /** The route most tests need: everything on {{serai.port}} goes to {@code backend}. */
    public static final String PROXY_ROUTE = """
            - route:
                id: proxy
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            """;

    public static Builder routes(String yaml) {
        return new Builder().routes(yaml);
    }

    /** Serai with {@link #PROXY_ROUTE} in front of {@code backend}, plus {@code extraRoutes}. */
    public static Builder proxyTo(TestBackend backend, String extraRoutes) {
        return routes(PROXY_ROUTE + extraRoutes).property("backend.1", backend.hostPort());
    }

    public static Builder proxyTo(TestBackend backend) {
        return proxyTo(backend, "");
    }

    public int port() {
        return port;
    }

    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + port + pathAndQuery;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    @Override
    public void close() {
        main.stop();
    }

    /** {@code n} different free ports for listeners a test starts later (see {@link FreePorts}). */
    public static int[] freePorts(int n) {
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            ports[i] = FreePorts.next();
        }
        return ports;
    }

    /** A free port for a listener a test starts later (see {@link FreePorts}). */
    public static int freePort() {
        return FreePorts.next();
    }

    public static final class Builder {
        private final Map<String, String> properties = new LinkedHashMap<>();
        private String yaml;

        Builder routes(String routes) {
            this.yaml = routes;
            return this;
        }

        public Builder property(String key, Object value) {
            properties.put(key, String.valueOf(value));
            return this;
        }

        /** Each entry as {@link #property}, e.g. {@code MemberBackends.properties()}. */
        public Builder properties(Map<String, ?> values) {
            values.forEach(this::property);
            return this;
        }

        /** Writes the routes to a file in {@code dir} and starts Serai on them, on a free port. */
        public RunningSerai start(Path dir) throws Exception {
            Path file = Files.writeString(dir.resolve("test-" + System.nanoTime() + ".camel.yaml"), yaml);
            int port =
                    properties.containsKey("serai.port") ? Integer.parseInt(properties.get("serai.port")) : freePort();
            properties.put("serai.port", String.valueOf(port));
            properties.putIfAbsent("serai.admin.port", String.valueOf(freePort()));
            Main main = new Main();
            main.configure().addConfiguration(SeraiConfiguration.class);
            main.addMainListener(new RouteLoading(RouteLocations.parse(file.toString())));
            properties.forEach(main::addOverrideProperty);
            main.start();
            return new RunningSerai(main, port);
        }
    }
}
