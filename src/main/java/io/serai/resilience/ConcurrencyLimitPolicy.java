package io.serai.resilience;

import io.serai.http.RouteIds;
import io.serai.settings.SettingValues;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;
import org.apache.camel.support.AsyncProcessorConverterHelper;

import java.time.Duration;

/**
 * A concurrency limit (bulkhead) for the steps it wraps, declared as a bean and applied with
 * {@code policy: {ref: <bean>}}: at most {@code maxConcurrent} requests inside at once; up to
 * {@code maxWaiting} more wait at most {@code maxWait} for room, and the rest get 503 at once.
 * Each route that wraps its steps gets its own limit.
 */
public class ConcurrencyLimitPolicy implements Policy {

    private int maxConcurrent = 100;
    private int maxWaiting = 1000;
    private Duration maxWait = Duration.ofSeconds(1);

    /** Requests inside the wrapped steps at once (default 100). */
    public void setMaxConcurrent(int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException(
                    "concurrency limit maxConcurrent=" + maxConcurrent + " is invalid: expected 1 or more");
        }
        this.maxConcurrent = maxConcurrent;
    }

    /** Requests that may wait for room; the rest get 503 at once (default 1000). */
    public void setMaxWaiting(int maxWaiting) {
        if (maxWaiting < 0) {
            throw new IllegalArgumentException("concurrency limit maxWaiting=" + maxWaiting + " is invalid");
        }
        this.maxWaiting = maxWaiting;
    }

    /** How long a request waits for room before 503 (default 1s). */
    public void setMaxWait(String maxWait) {
        this.maxWait = SettingValues.duration("concurrency limit maxWait", maxWait);
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        // settings are complete once Camel has bound the bean's properties
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return new ConcurrencyLimitProcessor(
                AsyncProcessorConverterHelper.convert(processor),
                RouteIds.userId(route.getRouteId()),
                maxConcurrent,
                maxWaiting,
                maxWait.toMillis());
    }
}
