package io.serai.routing;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AttributeKey;
import io.serai.http.ClientRequest;
import io.serai.http.ErrorResponses;
import io.serai.http.RequestTarget;
import io.serai.http.body.BodyStream;
import io.serai.http.grpc.GrpcAnswers;
import org.apache.camel.component.netty.http.HttpServerConsumerChannelFactory;
import org.apache.camel.component.netty.http.NettyHttpConsumer;
import org.apache.camel.component.netty.http.handlers.HttpServerChannelHandler;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Sends each request of a listener to its route, in place of Camel's multiplexer (which picks by
 * scanning routes and reading the raw target, including text in the query after {@code :port}).
 * The decision is made once, on the target {@link io.serai.ingress.RequestValidator} parsed and
 * normalized, and on the host; the matched part of the path and the path parameters are recorded on
 * the {@link ClientRequest}, so the route, its access rules and the backend see the same path.
 * Routes are added and removed as Camel starts and stops their consumers; each change publishes a new
 * immutable {@link RouteTable}, so a request sees the table before or after a change, never half of one.
 * During a reload the {@link RouteGenerations} say which of the routes Camel runs take requests.
 */
@ChannelHandler.Sharable
public final class RouteDispatcher extends SimpleChannelInboundHandler<FullHttpRequest>
        implements HttpServerConsumerChannelFactory {

    private static final AttributeKey<HttpServerChannelHandler> ROUTE = AttributeKey.valueOf("serai.route");

    private final Function<NettyHttpConsumer, RouteOptions> optionsOf;
    private final RouteGenerations generations;
    private final Map<NettyHttpConsumer, RouteEntry> entries = new LinkedHashMap<>();
    private volatile RouteTable table = RouteTable.EMPTY;
    private int port;

    /** {@code optionsOf} tells what a route's consumer says about itself (hosts, buffering). */
    public RouteDispatcher(Function<NettyHttpConsumer, RouteOptions> optionsOf, RouteGenerations generations) {
        super(false);
        this.optionsOf = optionsOf;
        this.generations = generations;
        generations.register(this);
    }

    @Override
    public void init(int port) {
        this.port = port;
    }

    @Override
    public int getPort() {
        return port;
    }

    @Override
    public ChannelHandler getChannelHandler() {
        return this;
    }

    @Override
    public synchronized void addConsumer(NettyHttpConsumer consumer) {
        RouteEntry entry = new RouteEntry(
                consumer.getRouteId(),
                RoutePattern.of(
                        consumer.getConfiguration().getPath(),
                        consumer.getConfiguration().isMatchOnUriPrefix()),
                optionsOf.apply(consumer),
                RouteEntry.methods(consumer.getEndpoint().getHttpMethodRestrict()),
                new HttpServerChannelHandler(consumer),
                new AtomicInteger());
        // Checked against the routes that serve once a reload in progress commits (fails on an overlap).
        List<RouteEntry> after = new ArrayList<>(entries.values());
        after.removeIf(e -> !generations.staysAfterSwap(e.routeId()));
        after.add(entry);
        new RouteTable(after);
        entries.put(consumer, entry);
        publish();
    }

    @Override
    public synchronized void removeConsumer(NettyHttpConsumer consumer) {
        RouteEntry gone = entries.remove(consumer);
        if (gone != null) {
            generations.forget(gone.routeId());
            publish();
        }
    }

    /** Publishes the table of the routes that take requests now. */
    synchronized void publish() {
        List<RouteEntry> serving = new ArrayList<>(entries.values());
        serving.removeIf(e -> !generations.serves(e.routeId()));
        table = new RouteTable(serving);
    }

    synchronized boolean handing(String routeId) {
        return entries.values().stream()
                .anyMatch(e -> e.routeId().equals(routeId) && e.handing().get() > 0);
    }

    @Override
    public synchronized int consumers() {
        return entries.size();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws Exception {
        if (!(request instanceof ClientRequest client)) {
            // Serai's pipeline wraps every request; anything else did not pass its checks.
            ClientRequest.discard(request);
            answer(ctx, request, ErrorResponses.plain(400, "malformed request"));
            return;
        }
        RequestTarget target = client.target();
        if (target.isAsterisk()) {
            // OPTIONS * asks about the server, not a resource: nothing to forward (RFC 9110 section 9.3.7).
            ClientRequest.discard(request);
            answer(ctx, request, ErrorResponses.empty(200));
            return;
        }
        String host = target.authority() != null
                ? target.authority()
                : request.headers().get(HttpHeaderNames.HOST);
        RouteTable.Lookup found = take(host, target, request.method().name());
        if (found.entry() == null) {
            ClientRequest.discard(request);
            answer(ctx, request, refusal(found));
            return;
        }
        RouteEntry entry = found.entry();
        RouteOptions options = entry.options();
        client.matched(found.matchedSegments(), found.params(), options.responseBuffering(), options.webSocket());
        HttpServerChannelHandler handler = entry.handler();
        ctx.channel().attr(ROUTE).set(handler);
        BodyStream body = client.body();
        if (options.requestBuffering() && body != null) {
            // The route's own steps read the body: it runs once the body is here whole.
            body.holdWhole();
            body.whenHeld(held -> ctx.executor().execute(() -> {
                if (held) {
                    try {
                        hand(ctx, entry, request);
                    } catch (Exception e) {
                        ctx.fireExceptionCaught(e);
                    }
                } else {
                    entry.handing().decrementAndGet();
                    ClientRequest.discard(request);
                    answer(ctx, request, ErrorResponses.plain(413, "request body larger than serai.limits.max-body"));
                    ctx.close();
                }
            }));
            return;
        }
        hand(ctx, entry, request);
    }

    /**
     * Finds the route and counts the request as being handed to it. A route a reload retired between the
     * lookup and the count is not taken: the lookup is made again on the table that replaced it.
     */
    private RouteTable.Lookup take(String host, RequestTarget target, String method) {
        while (true) {
            RouteTable.Lookup found = table.find(host, target, method);
            RouteEntry entry = found.entry();
            if (entry == null) {
                return found;
            }
            entry.handing().incrementAndGet();
            if (generations.serves(entry.routeId())) {
                return found;
            }
            entry.handing().decrementAndGet();
        }
    }

    /** Camel's handler releases the request when it has read it, as this handler would have. */
    private static void hand(ChannelHandlerContext ctx, RouteEntry entry, FullHttpRequest request) throws Exception {
        try {
            entry.handler().channelRead(ctx, request);
        } finally {
            // From here Camel counts the exchange in flight on the route.
            entry.handing().decrementAndGet();
        }
    }

    private static FullHttpResponse refusal(RouteTable.Lookup found) {
        if (found.badParam() != null) {
            return ErrorResponses.plain(
                    400,
                    "path parameter {" + found.badParam()
                            + "} must be one segment (not empty, . or .., no encoded slash or control character)");
        }
        if (!found.allow().isEmpty()) {
            FullHttpResponse response = ErrorResponses.plain(405, "this path does not take this method");
            response.headers().set(HttpHeaderNames.ALLOW, String.join(", ", found.allow()));
            return response;
        }
        return ErrorResponses.plain(404, "no route for this host and path");
    }

    /** Answers a request no route takes, keeping the connection when the client may reuse it. */
    private static void answer(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse refusal) {
        FullHttpResponse response = (FullHttpResponse) GrpcAnswers.reshape(request.headers(), refusal, null);
        if (HttpMethod.HEAD.equals(request.method())) {
            response.content().clear();
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        HttpServerChannelHandler handler = ctx.channel().attr(ROUTE).get();
        if (handler != null) {
            handler.exceptionCaught(ctx, cause);
        } else if (!(cause instanceof ClosedChannelException)) {
            ctx.close();
        }
    }
}
