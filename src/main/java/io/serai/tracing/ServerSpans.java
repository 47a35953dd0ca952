package io.serai.tracing;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.serai.http.IngressRequest;
import io.serai.http.RequestKeys;
import io.serai.http.ResponseStatus;
import io.serai.http.RouteIds;
import io.serai.http.TraceIds;
import io.serai.http.body.BodyStream;
import io.serai.http.body.CutShort;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.component.netty.http.NettyHttpEndpoint;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * One SERVER span per client request of every listener route, begun when the route's exchange begins (its
 * context continued from the client's trace headers, or a new trace) and ended when the client has its
 * answer: at the route's end, or at a streamed body's last byte (a body cut short fails the span with how it
 * ended). Admin routes (health, metrics) have none, nor has an answer the ingress gives before any route runs
 * (404 no route, 405, 413, 431). The access log names the trace only when the span is sampled.
 * The request's completion is observed as {@code metrics.RequestMetrics} observes it, through Camel's route
 * policy hook.
 */
final class ServerSpans implements RoutePolicyFactory {

    /** Exchange property: the route policy that began the request's span, the one that ends it. */
    static final String OWNER = "seraiTraceOwner";

    private final TracingService tracing;
    private final boolean clientAddress;

    ServerSpans(TracingService tracing, boolean clientAddress) {
        this.tracing = tracing;
        this.clientAddress = clientAddress;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext context, String camelRouteId, NamedNode route) {
        if (RouteIds.isAdmin(camelRouteId)) {
            return null;
        }
        String routeId = RouteIds.userId(camelRouteId);
        return new RoutePolicySupport() {
            private volatile RouteShape shape;

            @Override
            public void onExchangeBegin(Route r, Exchange exchange) {
                IngressRequest ingress = IngressRequest.of(exchange);
                if (ingress == null || exchange.getProperty(Tracing.PROPERTY) != null) {
                    return;
                }
                RouteShape s = shape;
                if (s == null) {
                    shape = s = RouteShape.of(r.getEndpoint());
                }
                begin(exchange, ingress, routeId, s);
                exchange.setProperty(OWNER, this);
            }

            @Override
            public void onExchangeDone(Route r, Exchange exchange) {
                OtelRequestTrace trace = exchange.getProperty(Tracing.PROPERTY, OtelRequestTrace.class);
                // A sub-route the request passed through (a direct: route, a copy's) leaves the span open.
                if (trace != null && exchange.getProperty(OWNER) == this) {
                    done(exchange, trace);
                }
            }
        };
    }

    private void begin(Exchange exchange, IngressRequest ingress, String routeId, RouteShape shape) {
        Context parent = tracing.propagator().extract(Context.root(), ingress.headers(), HeaderCarrier.INSTANCE);
        String method = ingress.method().name();
        Tracer tracer = tracing.tracer();
        SpanBuilder builder = tracer.spanBuilder(method + " " + shape.route())
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(SpanAttributes.METHOD, method)
                .setAttribute(SpanAttributes.URL_PATH, ingress.target().path())
                .setAttribute(SpanAttributes.URL_SCHEME, shape.scheme())
                .setAttribute(SpanAttributes.ROUTE, shape.route())
                .setAttribute(SpanAttributes.PROTOCOL_VERSION, protocolVersion(exchange, ingress))
                .setAttribute(SpanAttributes.ROUTE_ID, routeId);
        if (clientAddress) {
            builder.setAttribute(SpanAttributes.CLIENT_ADDRESS, RequestKeys.clientAddress(exchange));
        }
        String agent = ingress.headers().get(HttpHeaderNames.USER_AGENT);
        if (agent != null) {
            builder.setAttribute(SpanAttributes.USER_AGENT, agent);
        }
        Span server = builder.startSpan();
        exchange.setProperty(
                Tracing.PROPERTY, new OtelRequestTrace(server, parent.with(server), tracer, tracing.propagator()));
        // The access log names only a trace that is exported: at a sampling ratio of 0.01, not 99% of lines.
        exchange.setProperty(
                TraceIds.PROPERTY,
                server.getSpanContext().isSampled() ? server.getSpanContext().getTraceId() : TraceIds.NOT_SAMPLED);
    }

    private static void done(Exchange exchange, OtelRequestTrace trace) {
        int status = ResponseStatus.answered(exchange);
        Exception failure = exchange.getException();
        Object cacheStatus = exchange.getMessage().getHeader("Cache-Status");
        if (cacheStatus != null) {
            trace.event("serai.cache", "serai.cache.result", CacheResults.of(cacheStatus));
        }
        Object body = exchange.getMessage().getBody();
        if (failure == null
                && body instanceof BodyStream stream
                && !stream.isHeld()
                && exchange.getUnitOfWork() != null) {
            // The client's answer streams on after the route: the span ends with its last byte.
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange finished) {
                    BodyStream streamed = finished.getProperty(IngressRequest.RESPONSE_BODY, BodyStream.class);
                    if (streamed == null) {
                        end(trace.server(), status, null);
                    } else {
                        streamed.whenDone(() -> endStreamed(trace.server(), status, CutShort.kind(streamed)));
                    }
                }
            });
            return;
        }
        end(trace.server(), status, failure);
    }

    /** A streamed answer's span: cut short, it failed ({@code error.type} the way it ended) whatever its head said. */
    private static void endStreamed(Span server, int status, String cutShort) {
        if (cutShort == null) {
            end(server, status, null);
            return;
        }
        server.setAttribute(SpanAttributes.STATUS, status);
        server.setAttribute(SpanAttributes.ERROR_TYPE, cutShort);
        server.setStatus(StatusCode.ERROR);
        server.end();
    }

    private static void end(Span server, int status, Exception failure) {
        server.setAttribute(SpanAttributes.STATUS, status);
        if (status >= 500) {
            server.setAttribute(SpanAttributes.ERROR_TYPE, FailureKinds.of(failure, status));
            server.setStatus(StatusCode.ERROR);
        }
        server.end();
    }

    private static String protocolVersion(Exchange exchange, IngressRequest ingress) {
        Object ctx = exchange.getIn().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT);
        if (ctx instanceof ChannelHandlerContext handler && handler.channel() instanceof Http2StreamChannel) {
            return "2";
        }
        return ingress.version().majorVersion() + "." + ingress.version().minorVersion();
    }

    /** What a route's listener URI says for its spans: {@code http.route} (its path pattern) and the scheme. */
    record RouteShape(String route, String scheme) {
        static RouteShape of(Endpoint endpoint) {
            if (endpoint instanceof NettyHttpEndpoint http) {
                String path = http.getConfiguration().getPath();
                String route = path == null || path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
                if (http.getConfiguration().isMatchOnUriPrefix()) {
                    route = route.endsWith("/") ? route + "*" : route + "/*";
                }
                String scheme = http.getConfiguration().isSsl() ? "https" : "http";
                return new RouteShape(route, scheme);
            }
            return new RouteShape("/", "http");
        }
    }
}
