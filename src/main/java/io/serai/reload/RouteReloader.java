package io.serai.reload;

import io.serai.http.RouteIds;
import io.serai.metrics.SeraiMeters;
import io.serai.routing.RouteGenerations;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.InflightRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the running routes equal to the route files. Polls the files (polling, unlike file events,
 * also sees a ConfigMap's {@code ..data} link being swapped); a changed file is parsed first, and only
 * a file that parses replaces its routes. A broken file is reported once with its name and line, and
 * the routes it last loaded keep serving.
 * <p>
 * A file's new routes start as the next generation ({@code api~2}, see {@link RouteIds}) beside the old
 * ones, which serve on until every new route has started; then the listeners switch the file's routes
 * at once ({@link RouteGenerations}) and the old ones drain in the background and are removed. No
 * request waits for a reload, on this file's routes or any other's. If Camel refuses a new route, the
 * new ones are removed and the old ones never stopped serving.
 */
public final class RouteReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouteReloader.class);
    /** How long stopping a drained route may hold Camel's context lock; it has nothing in flight by then. */
    private static final long STOP_MILLIS = 100;

    private final CamelContext context;
    private final RouteFiles files;
    private final RouteFileLoader loader;
    private final ReloadSettings settings;
    private final RouteGenerations generations;
    private final Runnable afterDrain;
    private final Map<Path, Loaded> loaded = new TreeMap<>();
    private final Set<String> refused = new HashSet<>();
    private long generation = 1;
    private ScheduledExecutorService poller;
    private ExecutorService drainer;

    /** {@code afterDrain} runs when a reload's old routes are gone (it closes listeners left without routes). */
    public RouteReloader(
            CamelContext context,
            RouteFiles files,
            ReloadSettings settings,
            RouteGenerations generations,
            Runnable afterDrain) {
        this.context = context;
        this.files = files;
        this.loader = new RouteFileLoader(context);
        this.settings = settings;
        this.generations = generations;
        this.afterDrain = afterDrain;
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
        drainer = context.getExecutorServiceManager().newCachedThreadPool(this, "serai-route-drain");
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
                refuse(file, broken.getMessage());
            }
        }
        for (Path gone :
                loaded.keySet().stream().filter(p -> !now.containsKey(p)).toList()) {
            swap(gone, null, List.of());
        }
    }

    private void refuse(RouteFiles.RouteFile file, String why) {
        refused.add(file.digest());
        countReload(false);
        LOG.error("Route file not applied, the last good routes keep serving: {}", why);
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
        if (file != null) {
            String taken = takenIds(path, routes);
            if (taken != null) {
                refuse(file, path + ": " + taken);
                return;
            }
            long next = ++generation;
            routes.forEach(r -> r.setId(RouteIds.internalId(r.getRouteId(), next)));
        }
        List<String> newIds = ids(routes);
        generations.begin(Set.copyOf(newIds), Set.copyOf(oldIds));
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
            try {
                // They never took a request: nothing to drain.
                remove(newIds);
            } finally {
                generations.abort();
            }
            return;
        }
        generations.commit();
        if (file == null) {
            loaded.remove(path);
        } else {
            loaded.put(path, new Loaded(file, newIds));
        }
        countReload(true);
        LOG.info(
                "Reloaded {} in {} ms: {} route(s) {}",
                path,
                (System.nanoTime() - started) / 1_000_000,
                routes.size(),
                file == null ? "(file removed)" : userIds(newIds));
        if (!oldIds.isEmpty()) {
            if (drainer == null) {
                drain(oldIds);
            } else {
                drainer.execute(() -> drain(oldIds));
            }
        }
    }

    /** Why {@code routes} cannot be loaded from {@code path}: an id twice, or one another file or Serai uses. */
    private String takenIds(Path path, List<RouteDefinition> routes) {
        Map<Path, Set<String>> others = new TreeMap<>();
        loaded.forEach((p, l) -> others.put(p, userIds(l.routeIds())));
        Set<String> mine = new HashSet<>();
        for (RouteDefinition route : routes) {
            String refusal = RouteIdClaims.refusal(path, route.getRouteId(), mine, others);
            if (refusal != null) {
                return refusal;
            }
            mine.add(route.getRouteId());
        }
        return null;
    }

    /**
     * Waits, on a background thread and holding no lock, until the replaced routes have nothing in flight
     * (at most serai.reload.drain-timeout), then stops and removes them.
     */
    private void drain(List<String> ids) {
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        InflightRepository inflight = context.getInflightRepository();
        try {
            while (busy(ids, inflight) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (busy(ids, inflight)) {
                LOG.warn(
                        "Replaced route(s) {} still had requests in flight after serai.reload.drain-timeout ({}):"
                                + " stopping them",
                        userIds(ids),
                        settings.drainTimeout());
            }
            remove(ids);
            LOG.debug("Replaced route(s) {} drained and removed", ids);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("Replaced route(s) {} could not be removed: {}", userIds(ids), e.getMessage(), e);
        } finally {
            afterDrain.run();
        }
    }

    private boolean busy(List<String> ids, InflightRepository inflight) {
        return ids.stream().anyMatch(id -> inflight.size(id) > 0 || generations.handing(id));
    }

    private void remove(List<String> ids) throws Exception {
        for (String id : ids) {
            if (context.getRoute(id) != null) {
                context.getRouteController().stopRoute(id, STOP_MILLIS, TimeUnit.MILLISECONDS);
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

    private static Set<String> userIds(List<String> ids) {
        Set<String> users = new LinkedHashSet<>();
        ids.forEach(id -> users.add(RouteIds.userId(id)));
        return users;
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            context.getExecutorServiceManager().shutdownNow(poller);
            poller = null;
        }
        if (drainer != null) {
            context.getExecutorServiceManager().shutdownNow(drainer);
            drainer = null;
        }
    }

    private record Loaded(RouteFiles.RouteFile file, List<String> routeIds) {}
}
