package io.serai.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One single-thread scheduler per name for a whole CamelContext, for the rare timers that many owners
 * share (watching credential files, request timers without a connection). Each is made by the context's
 * {@link org.apache.camel.spi.ExecutorServiceManager}, so it is named by Camel's thread name pattern,
 * listed with Camel's other pools, and ended when the context stops.
 */
public final class SharedSchedulers extends ServiceSupport {

    private final CamelContext context;
    private final Map<String, ScheduledExecutorService> byName = new ConcurrentHashMap<>();

    private SharedSchedulers(CamelContext context) {
        this.context = context;
    }

    /** The scheduler {@code name} of {@code context}, made on first use. */
    public static ScheduledExecutorService of(CamelContext context, String name) {
        SharedSchedulers shared = of(context);
        return shared.byName.computeIfAbsent(
                name, n -> context.getExecutorServiceManager().newSingleThreadScheduledExecutor(shared, n));
    }

    private static SharedSchedulers of(CamelContext context) {
        SharedSchedulers shared = context.hasService(SharedSchedulers.class);
        if (shared != null) {
            return shared;
        }
        synchronized (SharedSchedulers.class) {
            shared = context.hasService(SharedSchedulers.class);
            if (shared == null) {
                shared = new SharedSchedulers(context);
                try {
                    context.addService(shared, true, true);
                } catch (Exception e) {
                    throw new IllegalStateException(
                            "serai: cannot add the shared schedulers to Camel: " + e.getMessage(), e);
                }
            }
            return shared;
        }
    }

    @Override
    protected void doStop() {
        byName.values().forEach(context.getExecutorServiceManager()::shutdownNow);
        byName.clear();
    }
}
