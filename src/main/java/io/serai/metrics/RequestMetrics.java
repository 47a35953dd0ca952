package io.serai.metrics;

import io.netty.buffer.ByteBuf;
import io.serai.ingress.IngressRequest;
import io.serai.streaming.BodyStream;
import io.serai.ingress.RequestIds;
import io.serai.ingress.RequestKeys;
import io.serai.ingress.ResponseStatus;
import io.serai.upstream.UpstreamException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Counts every client request of every route (Camel's route policy hook, applied to all routes,
 * reloaded ones included): status class, duration, bytes, in flight, and partial aggregates. The
 * status is the one the client gets: a failure's mapped status (502, 503, 504) or the answer's.
 */
public final class RequestMetrics implements RoutePolicyFactory {

    private static final String STARTED_AT = "seraiStartNanos";
    private static final String REQUEST_BYTES = "seraiRequestBytes";

    /** Exchange property: the backend that answered (the last one, for an aggregate). */
    public static final String BACKEND = "seraiBackend";

    private final SeraiMeters meters;
    private final AccessLog accessLog;

    /** {@code accessLog} is null when the access log is off. */
    public RequestMetrics(SeraiMeters meters, AccessLog accessLog) {
        this.meters = meters;
        this.accessLog = accessLog;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext context, String routeId, NamedNode route) {
        if (routeId.startsWith("serai-admin")) {
            return null;
        }
        return new RoutePolicySupport() {
            @Override
            public void onExchangeBegin(Route r, Exchange exchange) {
                exchange.setProperty(STARTED_AT, System.nanoTime());
                exchange.setProperty(REQUEST_BYTES, size(exchange.getIn().getBody()));
                meters.requestStarted(routeId);
            }

            @Override
            public void onExchangeDone(Route r, Exchange exchange) {
                Long started = exchange.getProperty(STARTED_AT, Long.class);
                if (started == null) {
                    return;
                }
                BodyStream streamed = streamedResponse(exchange);
                if (streamed == null) {
                    done(routeId, exchange, started, size(exchange.getMessage().getBody()));
                } else {
                    // The exchange ends with the head; the request ends with the last byte of the body.
                    streamed.whenDone(() -> {
                        done(routeId, exchange, started, streamed.bytes());
                        String kind = StreamFailures.kind(streamed);
                        if (kind != null) {
                            meters.streamFailed(routeId, kind);
                            StreamFailures.log(routeId, kind, streamed);
                        }
                    });
                }
            }
        };
    }

    /**
     * The response body that streams to the client, or null when the answer is whole. A route policy sees
     * the exchange before the consumer writes the response (and sets {@link IngressRequest#RESPONSE_BODY}),
     * so a backend's body that is still streaming on the message is the one the client is about to get.
     */
    private static BodyStream streamedResponse(Exchange exchange) {
        BodyStream handed = exchange.getProperty(IngressRequest.RESPONSE_BODY, BodyStream.class);
        if (handed != null) {
            return handed;
        }
        Object body = exchange.getMessage().getBody();
        if (exchange.getException() == null && body instanceof BodyStream stream && !stream.isHeld()
                && stream != exchange.getProperty(IngressRequest.REQUEST_BODY)) {
            return stream;
        }
        return null;
    }

    private void done(String routeId, Exchange exchange, long started, long responseBytes) {
        Long requestBytes = exchange.getProperty(REQUEST_BYTES, Long.class);
        BodyStream requestBody = exchange.getProperty(IngressRequest.REQUEST_BODY, BodyStream.class);
        long received = requestBody != null ? requestBody.bytes() : requestBytes == null ? 0 : requestBytes;
        int status = status(exchange);
        long nanos = System.nanoTime() - started;
        long sent = exchange.getException() == null ? responseBytes : 0;
        meters.requestDone(routeId, status, nanos, received, sent);
        if (accessLog != null) {
            log(routeId, exchange, status, nanos, sent);
        }
        if ("false".equals(exchange.getMessage().getHeader("Serai-Completed", String.class))) {
            meters.partialAggregate(routeId);
        }
    }

    private void log(String routeId, Exchange exchange, int status, long nanos, long bytes) {
        IngressRequest ingress = IngressRequest.of(exchange);
        String cache = null;
        Object cacheStatus = exchange.getMessage().getHeader("Cache-Status");
        if (cacheStatus != null) {
            String text = cacheStatus instanceof Iterable<?> values ? String.join(", ",
                    java.util.stream.StreamSupport.stream(values.spliterator(), false).map(String::valueOf).toList())
                    : cacheStatus.toString();
            int ours = text.lastIndexOf(", ");
            cache = ours >= 0 ? text.substring(ours + 2) : text;
        }
        accessLog.log(new AccessLog.Entry(System.currentTimeMillis(), RequestKeys.clientAddress(exchange),
                ingress == null ? null : ingress.method().name(), ingress == null ? null : ingress.target().path(),
                status, bytes, nanos / 1e6, routeId, exchange.getProperty(BACKEND, String.class), cache,
                exchange.getProperty(RequestIds.PROPERTY, String.class)));
    }

    static int status(Exchange exchange) {
        Exception failure = exchange.getException();
        if (failure instanceof UpstreamException upstream) {
            return upstream.status();
        }
        if (failure != null) {
            return 500;
        }
        return ResponseStatus.of(exchange.getMessage());
    }

    private static long size(Object body) {
        if (body instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        if (body instanceof byte[] bytes) {
            return bytes.length;
        }
        if (body instanceof String text) {
            return text.length();
        }
        return 0;
    }
}
