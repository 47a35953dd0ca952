package io.serai.tracing;

import io.netty.handler.codec.http.HttpHeaders;
import org.apache.camel.Exchange;

/**
 * What the steps of a route call to be traced: an event on the request's server span, a client span per
 * backend attempt. A request has a trace only when tracing is on ({@link TracingSetup}); otherwise each call
 * is one property lookup that finds nothing, allocates nothing and loads no OpenTelemetry class.
 */
public final class Tracing {

    /** Exchange property: the request's {@link RequestTrace}; copies of the exchange (a fan-out) share it. */
    static final String PROPERTY = "seraiRequestTrace";
    /** Exchange property: how many backend attempts this exchange made so far (its copies start from it). */
    static final String ATTEMPTS = "seraiTraceAttempts";

    private Tracing() {}

    /** An event without attributes, such as {@code serai.rate_limit.refused}. */
    public static void event(Exchange exchange, String name) {
        event(exchange, name, null, null);
    }

    public static void event(Exchange exchange, String name, String key, String value) {
        RequestTrace trace = exchange.getProperty(PROPERTY, RequestTrace.class);
        if (trace != null) {
            trace.event(name, key, value);
        }
    }

    /**
     * Starts the client span of one backend call and puts its context in {@code outgoing}. Each call of the
     * same exchange after the first (a retry, a failover) counts as a resend ({@code http.request.resend_count}).
     */
    public static UpstreamAttempt attempt(
            Exchange exchange,
            String method,
            String scheme,
            String host,
            int port,
            String target,
            String member,
            HttpHeaders outgoing) {
        RequestTrace trace = exchange.getProperty(PROPERTY, RequestTrace.class);
        if (trace == null) {
            return UpstreamAttempt.NONE;
        }
        BackendCall call = new BackendCall(method, scheme, host, port, target, member);
        Integer before = exchange.getProperty(ATTEMPTS, Integer.class);
        int resends = before == null ? 0 : before;
        exchange.setProperty(ATTEMPTS, resends + 1);
        return trace.attempt(call, resends, outgoing);
    }
}
