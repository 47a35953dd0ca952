package io.serai.reload;

import io.serai.ingress.RouteSwapGate;
import io.serai.metrics.SeraiMeters;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the running routes equal to the route files. Polls the files (polling, unlike file events,
 * also sees a ConfigMap's {@code ..data} link being swapped); a changed file is parsed first, and only
 * a file that parses replaces its routes, while new requests wait at the {@link RouteSwapGate} and
 * requests in flight finish. A broken file is reported once with its name and line, and the routes it
 * last loaded keep serving; if Camel refuses the new routes when starting them, the last good ones are
 * put back.
 */
public final class RouteReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouteReloader.class);

    private final CamelContext context;
    private final RouteFiles files;
    private final RouteFileLoader loader;
    private final ReloadSettings settings;
    private final RouteSwapGate gate;
    private final Runnable afterSwap;
    private final Map<Path, Loaded> loaded = new TreeMap<>();
    private final Set<String> refused = new HashSet<>();
    private ScheduledExecutorService poller;

    public RouteReloader(
            CamelContext context, RouteFiles files, ReloadSettings settings, RouteSwapGate gate, Runnable afterSwap) {
        this.context = context;
        this.files = files;
        this.loader = new RouteFileLoader(context);
        this.settings = settings;
        this.gate = gate;
        this.afterSwap = afterSwap;
    }

    /** Loads every route file; the first broken one stops the start, naming the file and line. */
    public synchronized void loadAll() throws Exception {
        for (RouteFiles.RouteFile file : files.snapshot().values()) {
            List<RouteDefinition> routes = loader.load(file);
            model().addRouteDefinitions(routes);
            loaded.put(file.path(), new Loaded(file, ids(routes)));
            LOG.info("Loaded {} route(s) from {}", routes.size(), file.path());
        }
    }

    public synchronized void start() {
        if (!settings.enabled() || poller != null) {
            return;
        }
        poller = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "serai-route-reload");
        long every = Math.max(50, settings.interval().toMillis());
        poller.scheduleWithFixedDelay(this::pollSafely, every, every, TimeUnit.MILLISECONDS);
        LOG.info("Watching route files every {} ms", every);
    }

    private void pollSafely() {
        try {
            poll();
        } catch (Exception e) {
            LOG.error("Route reload failed: {}", e.getMessage(), e);
        }
    }

    /** One look at the files; applies what changed, file by file, so one bad file holds back no other. */
    public synchronized void poll() throws Exception {
        Map<Path, RouteFiles.RouteFile> now = files.snapshot();
        for (RouteFiles.RouteFile file : now.values()) {
            Loaded before = loaded.get(file.path());
            boolean unchanged = before != null && before.file().digest().equals(file.digest());
            if (unchanged || refused.contains(file.digest())) {
                continue;
            }
            try {
                swap(file.path(), file, loader.load(file));
            } catch (RouteFileException broken) {
                refused.add(file.digest());
                countReload(false);
                LOG.error("Route file not applied, the last good routes keep serving: {}", broken.getMessage());
            }
        }
        for (Path gone :
                loaded.keySet().stream().filter(p -> !now.containsKey(p)).toList()) {
            swap(gone, null, List.of());
        }
    }

    private void countReload(boolean ok) {
        SeraiMeters meters = SeraiMeters.of(context);
        if (meters != null) {
            meters.reload(ok);
        }
    }

    /** Replaces the routes of {@code path} with {@code routes}; {@code file} is null when it was removed. */
    private void swap(Path path, RouteFiles.RouteFile file, List<RouteDefinition> routes) throws Exception {
        List<String> oldIds = loaded.containsKey(path) ? loaded.get(path).routeIds() : List.of();
        long started = System.nanoTime();
        gate.close();
        try {
            // Requests that passed the gate just before it closed reach their route: give them a moment
            // to be counted as in flight, so stopping the route waits for them.
            Thread.sleep(20);
            removeRoutes(oldIds);
            try {
                model().addRouteDefinitions(routes);
            } catch (Exception e) {
                refused.add(file.digest());
                countReload(false);
                String why = RouteStartFailure.describe(e, context);
                LOG.error(
                        "Route file not applied, Camel refused it, the last good routes keep serving: {}: {}",
                        path,
                        why == null ? e.getMessage() : why);
                removeRoutes(ids(routes));
                Loaded good = loaded.get(path);
                if (good != null) {
                    model().addRouteDefinitions(loader.load(good.file()));
                }
                return;
            }
            if (file == null) {
                loaded.remove(path);
            } else {
                loaded.put(path, new Loaded(file, ids(routes)));
            }
            countReload(true);
            LOG.info(
                    "Reloaded {} in {} ms: {} route(s) {}",
                    path,
                    (System.nanoTime() - started) / 1_000_000,
                    routes.size(),
                    file == null ? "(file removed)" : ids(routes));
        } finally {
            gate.open();
            afterSwap.run();
        }
    }

    private void removeRoutes(List<String> ids) throws Exception {
        for (String id : ids) {
            if (context.getRoute(id) != null) {
                context.getRouteController()
                        .stopRoute(id, settings.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        for (String id : ids) {
            RouteDefinition definition = model().getRouteDefinition(id);
            if (definition != null) {
                model().removeRouteDefinition(definition);
            } else if (context.getRoute(id) != null) {
                context.removeRoute(id);
            }
        }
    }

    private ModelCamelContext model() {
        return (ModelCamelContext) context;
    }

    private static List<String> ids(List<RouteDefinition> routes) {
        return routes.stream().map(RouteDefinition::getRouteId).toList();
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            context.getExecutorServiceManager().shutdownNow(poller);
            poller = null;
        }
    }

    private record Loaded(RouteFiles.RouteFile file, List<String> routeIds) {}
}
