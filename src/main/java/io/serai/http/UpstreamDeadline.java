package io.serai.http;

import org.apache.camel.Exchange;

import java.time.Duration;

/**
 * When a request's first try at a backend began, kept on the exchange while a load balancer sends it on
 * to another member after a connection that could not be made, so that its tries together stay within
 * {@code serai.upstream.timeout}: the upstream client gives each later try only what is left of it.
 */
public final class UpstreamDeadline {

    /** The exchange property: the {@link System#nanoTime()} the first try began. */
    public static final String PROPERTY = "seraiUpstreamTriesBegan";

    private UpstreamDeadline() {}

    /** The first try began at {@code nanoTime}, unless an earlier one is already noted. */
    public static void began(Exchange exchange, long nanoTime) {
        if (exchange.getProperty(PROPERTY) == null) {
            exchange.setProperty(PROPERTY, nanoTime);
        }
    }

    /** What is left of {@code limit} since the first try began (zero or less when it is up), or {@code limit}. */
    public static Duration left(Exchange exchange, Duration limit) {
        Long began = exchange.getProperty(PROPERTY, Long.class);
        return began == null ? limit : limit.minusNanos(System.nanoTime() - began);
    }

    /** The request is done with its backends: a later retry starts its own time. */
    public static void clear(Exchange exchange) {
        exchange.removeProperty(PROPERTY);
    }
}
