package io.serai.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.serai.http.IngressRequest;
import io.serai.http.RequestIds;
import io.serai.http.RequestKeys;
import io.serai.http.ResponseStatus;
import io.serai.http.RouteIds;
import io.serai.http.TraceIds;
import io.serai.http.UpstreamException;
import io.serai.http.body.BodyStream;
import io.serai.http.grpc.GrpcAnswers;
import io.serai.http.grpc.GrpcOutcome;
import io.serai.websocket.Tunnel;
import io.serai.websocket.WebSocketUpgrade;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Counts every client request of every route (Camel's route policy hook, applied to all routes,
 * reloaded ones included): status class, duration, bytes, in flight, and partial aggregates. The
 * status is the one the client gets: a failure's mapped status (502, 503, 504) or the answer's. A streamed
 * response is done at its last byte; a WebSocket handshake at its 101, its access log line at its close.
 */
public final class RequestMetrics implements RoutePolicyFactory {

    private static final String STARTED_AT = "seraiStartNanos";
    private static final String REQUEST_BYTES = "seraiRequestBytes";

    private final SeraiMeters meters;
    private final AccessLog accessLog;

    /** {@code accessLog} is null when the access log is off. */
    public RequestMetrics(SeraiMeters meters, AccessLog accessLog) {
        this.meters = meters;
        this.accessLog = accessLog;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext context, String camelRouteId, NamedNode route) {
        if (RouteIds.isAdmin(camelRouteId)) {
            return null;
        }
        // Every generation of a reloaded route counts under the id its user gave it.
        String routeId = RouteIds.userId(camelRouteId);
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
                // The outcome as the route left it; the binding maps a failure and clears it when it answers.
                int status = ResponseStatus.answered(exchange);
                Outcome outcome = new Outcome(
                        status,
                        exchange.getException() != null,
                        size(exchange.getMessage().getBody()),
                        errorKind(exchange),
                        grpcStatus(exchange, status));
                Object body = exchange.getMessage().getBody();
                boolean outlivesTheRoute = !outcome.failed()
                        && (body instanceof BodyStream stream && !stream.isHeld() || body instanceof Tunnel);
                if (!outlivesTheRoute || exchange.getUnitOfWork() == null) {
                    answered(routeId, exchange, started, outcome);
                    return;
                }
                // The route is done before the consumer answers; only once it has (the unit of work's end) is it
                // known whether the body streams on (not for HEAD) or the connection became a WebSocket.
                exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                    @Override
                    public void onDone(Exchange done) {
                        answered(routeId, done, started, outcome);
                    }
                });
            }
        };
    }

    /**
     * What the route's exchange ended with: the status the client gets, whether it failed, a whole body's size,
     * and the kind of failure the access log names ({@code error}), null when it did not fail.
     */
    private record Outcome(int status, boolean failed, long wholeBytes, String error, String grpcStatus) {

        Outcome cutShort(String streamFailure) {
            return new Outcome(status, failed, wholeBytes, streamFailure, grpcStatus);
        }

        /** A streamed gRPC answer's grpc-status, known at its end: from its trailers when its head had none. */
        Outcome ended(HttpHeaders trailers) {
            if (!GrpcOutcome.NONE.equals(grpcStatus) || trailers == null || trailers.isEmpty()) {
                return this;
            }
            String fromTrailers = GrpcOutcome.label(trailers.get(GrpcAnswers.GRPC_STATUS));
            return new Outcome(status, failed, wholeBytes, error, fromTrailers);
        }
    }

    /**
     * A backend call's failure by its kind, as {@code serai_upstream_errors_total} names it ({@code connect_failed},
     * {@code tls_handshake}, ...); any other failure of the route is {@code internal}.
     */
    static String errorKind(Exchange exchange) {
        Exception failure = exchange.getException();
        if (failure == null) {
            return null;
        }
        return failure instanceof UpstreamException upstream ? upstream.kind().label() : "internal";
    }

    private void answered(String routeId, Exchange exchange, long started, Outcome outcome) {
        Tunnel tunnel = exchange.getProperty(WebSocketUpgrade.TUNNEL, Tunnel.class);
        if (tunnel != null) {
            upgraded(routeId, exchange, started, tunnel);
            return;
        }
        BodyStream streamed = exchange.getProperty(IngressRequest.RESPONSE_BODY, BodyStream.class);
        if (streamed == null) {
            done(routeId, exchange, started, outcome, outcome.wholeBytes());
        } else {
            // The exchange ends with the head; the request ends with the last byte of the body.
            streamed.whenDone(() -> {
                String kind = StreamFailures.kind(streamed);
                Outcome ended = outcome.ended(streamed.trailers());
                done(routeId, exchange, started, kind == null ? ended : ended.cutShort(kind), streamed.bytes());
                if (kind != null) {
                    meters.streamFailed(routeId, kind);
                    StreamFailures.log(routeId, kind, streamed);
                }
            });
        }
    }

    /**
     * A WebSocket handshake is answered with its 101: counted then, as any request (its duration is the
     * wait for the 101). Its access log line is written when the connection closes, with the connection's
     * whole life and the bytes that went each way.
     */
    private void upgraded(String routeId, Exchange exchange, long started, Tunnel tunnel) {
        int status = 101;
        long nanos = System.nanoTime() - started;
        meters.requestDone(routeId, status, nanos, 0, 0);
        if (accessLog != null) {
            AccessLog.Entry handshake = entry(routeId, exchange, status, nanos, 0, null, null);
            tunnel.whenClosed(() -> accessLog.log(handshake.closed(
                    System.currentTimeMillis(),
                    tunnel.bytesToClient(),
                    tunnel.bytesFromClient(),
                    (System.nanoTime() - started) / 1e6)));
        }
    }

    private void done(String routeId, Exchange exchange, long started, Outcome outcome, long responseBytes) {
        Long requestBytes = exchange.getProperty(REQUEST_BYTES, Long.class);
        BodyStream requestBody = exchange.getProperty(IngressRequest.REQUEST_BODY, BodyStream.class);
        long received = requestBody != null ? requestBody.bytes() : requestBytes == null ? 0 : requestBytes;
        int status = outcome.status();
        long nanos = System.nanoTime() - started;
        long sent = outcome.failed() ? 0 : responseBytes;
        meters.requestDone(routeId, status, nanos, received, sent);
        if (outcome.grpcStatus() != null) {
            meters.grpcAnswered(routeId, outcome.grpcStatus());
        }
        if (accessLog != null) {
            accessLog.log(entry(routeId, exchange, status, nanos, sent, outcome.error(), outcome.grpcStatus()));
        }
        if ("false".equals(exchange.getMessage().getHeader("Serai-Completed", String.class))) {
            meters.partialAggregate(routeId);
        }
    }

    private static AccessLog.Entry entry(
            String routeId, Exchange exchange, int status, long nanos, long bytes, String error, String grpcStatus) {
        IngressRequest ingress = IngressRequest.of(exchange);
        String cache = null;
        Object cacheStatus = exchange.getMessage().getHeader("Cache-Status");
        if (cacheStatus != null) {
            String text = cacheStatus instanceof Iterable<?> values
                    ? String.join(
                            ", ",
                            java.util.stream.StreamSupport.stream(values.spliterator(), false)
                                    .map(String::valueOf)
                                    .toList())
                    : cacheStatus.toString();
            int ours = text.lastIndexOf(", ");
            cache = ours >= 0 ? text.substring(ours + 2) : text;
        }
        return new AccessLog.Entry(
                System.currentTimeMillis(),
                RequestKeys.clientAddress(exchange),
                ingress == null ? null : ingress.method().name(),
                ingress == null ? null : ingress.target().path(),
                status,
                bytes,
                nanos / 1e6,
                routeId,
                exchange.getProperty(IngressRequest.BACKEND, String.class),
                cache,
                exchange.getProperty(RequestIds.PROPERTY, String.class),
                null,
                error,
                protocol(exchange, ingress),
                grpcStatus,
                traceId(exchange, ingress));
    }

    /**
     * The sampled server span's trace id with tracing on (none for an unsampled one); else that of the client's
     * valid traceparent, if any.
     */
    static String traceId(Exchange exchange, IngressRequest ingress) {
        String traced = exchange.getProperty(TraceIds.PROPERTY, String.class);
        if (traced != null || ingress == null) {
            return traced == null || traced.equals(TraceIds.NOT_SAMPLED) ? null : traced;
        }
        return TraceIds.fromTraceparent(ingress.headers().get(TraceIds.TRACEPARENT));
    }

    /** The client's protocol as the access log names it: {@code HTTP/2.0} for a stream, else the request's version. */
    static String protocol(Exchange exchange, IngressRequest ingress) {
        Object ctx = exchange.getIn().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT);
        if (ctx instanceof ChannelHandlerContext handler && handler.channel() instanceof Http2StreamChannel) {
            return "HTTP/2.0";
        }
        return ingress == null ? null : ingress.version().text();
    }

    /**
     * The grpc-status of a gRPC request ({@link GrpcOutcome}), null for any other. gRPC is always a POST, so
     * other requests are told apart without a header lookup.
     */
    static String grpcStatus(Exchange exchange, int status) {
        IngressRequest ingress = IngressRequest.of(exchange);
        if (ingress == null || !HttpMethod.POST.equals(ingress.method()) || !GrpcAnswers.isGrpc(ingress.headers())) {
            return null;
        }
        Message answer = exchange.getMessage();
        return GrpcOutcome.of(
                status,
                exchange.getException(),
                answer.getHeader("Content-Type", String.class),
                answer.getHeader(GrpcAnswers.GRPC_STATUS, String.class),
                null);
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
