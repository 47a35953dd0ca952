package io.serai.resilience;

import io.serai.settings.SettingValues;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;
import org.apache.camel.support.AsyncProcessorConverterHelper;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Retries, declared as a bean and applied with {@code policy: {ref: <bean>}} around the upstream
 * steps (usually a {@code loadBalance}, so that a retry goes to another member): up to
 * {@code attempts} tries in all, for the {@code methods} given (the idempotent ones by default, never
 * POST or PATCH unless named), on the failures {@code retryOn} names, within a retry budget of
 * {@code budget} of the requests plus {@code minRetriesPerSecond}, after a jittered {@code backoff}.
 */
public class RetryPolicy implements Policy {

    static final Set<String> FAILURES = Set.of("connect-failure", "reset", "timeout", "gateway-error", "5xx");

    private int attempts = 2;
    private Set<String> methods = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");
    private Set<String> retryOn = Set.of("connect-failure", "reset", "gateway-error");
    private double budget = 0.2;
    private int minRetriesPerSecond = 10;
    private Duration backoff = Duration.ofMillis(25);
    private volatile RetryBudget retryBudget;

    /** Tries in all, the first included: 1 to 10 (default 2). */
    public void setAttempts(int attempts) {
        if (attempts < 1 || attempts > 10) {
            throw new IllegalArgumentException(
                    "retry attempts=" + attempts + " is invalid: expected 1 to 10 tries in all");
        }
        this.attempts = attempts;
    }

    /** Methods that may be retried, comma-separated (default GET, HEAD, OPTIONS, PUT, DELETE; never POST or PATCH unless named). */
    public void setMethods(String methods) {
        Set<String> parsed = new LinkedHashSet<>();
        for (String m : methods.split(",")) {
            if (!m.isBlank()) {
                parsed.add(m.trim().toUpperCase(Locale.ROOT));
            }
        }
        this.methods = Set.copyOf(parsed);
    }

    /** Failures that are retried, comma-separated: connect-failure, reset, timeout, gateway-error (502, 503, 504), 5xx. */
    public void setRetryOn(String retryOn) {
        Set<String> parsed = new LinkedHashSet<>();
        for (String f : retryOn.split(",")) {
            String name = f.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!FAILURES.contains(name)) {
                throw new IllegalArgumentException("retry retryOn=" + retryOn + ": \"" + name + "\" is not one of "
                        + String.join(", ", new java.util.TreeSet<>(FAILURES)));
            }
            parsed.add(name);
        }
        this.retryOn = Set.copyOf(parsed);
    }

    /** Retries allowed as a fraction of requests, 0 to 1 (default 0.2), on top of minRetriesPerSecond. */
    public void setBudget(double budget) {
        if (!(budget >= 0 && budget <= 1)) {
            throw new IllegalArgumentException(
                    "retry budget=" + budget + " is invalid: expected a fraction from 0 to 1");
        }
        this.budget = budget;
    }

    /** Retries always allowed per second, whatever the budget (default 10). */
    public void setMinRetriesPerSecond(int minRetriesPerSecond) {
        if (minRetriesPerSecond < 0) {
            throw new IllegalArgumentException("retry minRetriesPerSecond=" + minRetriesPerSecond + " is invalid");
        }
        this.minRetriesPerSecond = minRetriesPerSecond;
    }

    /** Jittered wait before the first retry, doubling for each next one (default 25ms). */
    public void setBackoff(String backoff) {
        this.backoff = SettingValues.duration("retry backoff", backoff);
    }

    int attempts() {
        return attempts;
    }

    boolean retries(String method) {
        return methods.contains(method);
    }

    boolean retriesOn(String failure) {
        return retryOn.contains(failure);
    }

    Duration backoff() {
        return backoff;
    }

    RetryBudget retryBudget() {
        RetryBudget b = retryBudget;
        if (b == null) {
            synchronized (this) {
                if (retryBudget == null) {
                    retryBudget = new RetryBudget(budget, minRetriesPerSecond, 10);
                }
                b = retryBudget;
            }
        }
        return b;
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        // settings are complete once Camel has bound the bean's properties
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return new RetryProcessor(AsyncProcessorConverterHelper.convert(processor), this);
    }
}
