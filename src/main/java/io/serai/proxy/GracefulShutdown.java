package io.serai.proxy;

import io.serai.ingress.ListenerDrain;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.ShutdownStrategy;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Serai's side of a SIGTERM (camel-main's shutdown hook stops the Camel context): before Camel stops
 * the routes, readiness turns 503, the traffic listeners stop accepting, answers on open connections say
 * {@code Connection: close}, and the requests in flight finish, for at most {@code serai.shutdown.timeout}
 * in all. Camel's own shutdown strategy would suspend the routes first, so that a kept-alive client's next
 * request met a 503 and a new connection was still accepted; it gets what is left of the bound.
 */
public final class GracefulShutdown extends EventNotifierSupport {

    /** Nothing in flight for this long: the requests that had started are answered. */
    private static final long SETTLED_MILLIS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private final ListenerDrain drain;
    private final Duration timeout;

    public GracefulShutdown(ListenerDrain drain, Duration timeout) {
        this.drain = drain;
        this.timeout = timeout;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppingEvent;
    }

    @Override
    public void notify(CamelEvent event) throws Exception {
        CamelContext context = ((CamelEvent.CamelContextStoppingEvent) event).getContext();
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        drain.begin();
        LOG.info(
                "Shutting down: no new connections; finishing the requests in flight (at most {} ms)",
                timeout.toMillis());
        long idleSince = -1;
        while (System.nanoTime() < deadline) {
            if (context.getInflightRepository().size() > 0 || drain.streamingResponses() > 0) {
                idleSince = -1;
            } else if (idleSince < 0) {
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince >= TimeUnit.MILLISECONDS.toNanos(SETTLED_MILLIS)) {
                break;
            }
            Thread.sleep(20);
        }
        int left = context.getInflightRepository().size() + drain.streamingResponses();
        long leftMillis = Math.max(1_000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        ShutdownStrategy strategy = context.getShutdownStrategy();
        strategy.setTimeUnit(TimeUnit.MILLISECONDS);
        strategy.setTimeout(leftMillis);
        LOG.info(
                "Drained in {} ms; {} request(s) still in flight get {} ms more",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                left,
                left == 0 ? 0 : leftMillis);
    }
}
