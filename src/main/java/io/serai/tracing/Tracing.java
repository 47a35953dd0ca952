package io.serai.tracing;

import io.netty.handler.codec.http.HttpHeaders;
import org.apache.camel.Exchange;

import java.util.List;

/**
 * What the steps of a route call to be traced: an event on the request's server span, a client span per
 * backend attempt. A request has a trace only when tracing is on ({@link TracingSetup}); otherwise each call
 * is one property lookup that finds nothing, allocates nothing and loads no OpenTelemetry class.
 */
public final class Tracing {

    /** Exchange property: the request's {@link RequestTrace}; copies of the exchange (a fan-out) share it. */
    static final String PROPERTY = "seraiRequestTrace";
    /**
     * Exchange property: how many attempts the call in progress made so far, present only while a step that
     * sends one call again (a retry, a load balancer's failover) runs it; its copies count on from it.
     */
    static final String ATTEMPTS = "seraiTraceAttempts";

    /** The fields of the W3C Trace Context, W3C Baggage, B3 single and B3 multi formats, whatever is configured. */
    static final List<String> TRACE_FIELDS = List.of(
            "traceparent",
            "tracestate",
            "baggage",
            "b3",
            "X-B3-TraceId",
            "X-B3-SpanId",
            "X-B3-ParentSpanId",
            "X-B3-Sampled",
            "X-B3-Flags");

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
     * A step that may send one call more than once (a retry, a load balancer) begins it: the attempts until
     * {@link #callEnded} are one call's, each after the first a resend ({@code http.request.resend_count}).
     * Returns whether this step owns the count (false when tracing is off, or an outer step already counts:
     * a balancer inside a retry), and only the owner ends it. Backend calls outside any such step, such as two
     * sequential {@code to:} steps, are each a first attempt.
     */
    public static boolean callBegins(Exchange exchange) {
        if (exchange.getProperty(PROPERTY) == null || exchange.getProperty(ATTEMPTS) != null) {
            return false;
        }
        exchange.setProperty(ATTEMPTS, 0);
        return true;
    }

    /** The call {@link #callBegins} began ended: the next backend call is a new one. */
    public static void callEnded(Exchange exchange) {
        exchange.removeProperty(ATTEMPTS);
    }

    /**
     * Forgets the request's trace on an exchange made from its properties that outlives it (a background
     * revalidation): its backend calls make no span, are not counted as the request's resends, and carry no
     * trace context (the client's trace headers are removed from them too).
     */
    public static void detach(Exchange exchange) {
        if (exchange.getProperty(PROPERTY) == null) {
            return; // tracing off: the client's trace headers pass on as any other header
        }
        exchange.setProperty(PROPERTY, UNTRACED);
        exchange.removeProperty(ATTEMPTS);
        exchange.removeProperty(ServerSpans.OWNER);
        exchange.removeProperty(io.serai.http.TraceIds.PROPERTY);
    }

    /**
     * A detached exchange's trace: no event, no span, and the client's trace fields (read from the request
     * the exchange was copied from) removed from each backend call, so only what Serai injects reaches one.
     */
    private static final RequestTrace UNTRACED = new RequestTrace() {
        @Override
        public void event(String name, String key, String value) {}

        @Override
        public UpstreamAttempt attempt(BackendCall call, int resendCount, HttpHeaders outgoing) {
            TRACE_FIELDS.forEach(outgoing::remove);
            return UpstreamAttempt.NONE;
        }
    };

    /**
     * Starts the client span of one backend call and puts its context in {@code outgoing}; inside a call a
     * retry or a balancer counts ({@link #callBegins}), each attempt after the first is a resend.
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
        if (before != null) {
            exchange.setProperty(ATTEMPTS, resends + 1);
        }
        return trace.attempt(call, resends, outgoing);
    }
}
