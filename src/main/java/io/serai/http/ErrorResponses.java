package io.serai.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.serai.http.body.BodyNotHeldException;
import org.apache.camel.Exchange;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Turns a failed exchange into a short plain-text response naming the route and the reason:
 * 502 or 504 for backend faults, 500 for anything else. Never a stack trace, never a request header,
 * and the backend's name or address only with {@code serai.errors.verbose=true} ({@link ErrorVerbosity}).
 */
public final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {}

    public static FullHttpResponse forFailure(Exchange exchange, Throwable cause) {
        String route = RouteIds.of(exchange).isEmpty() ? "?" : RouteIds.of(exchange);
        int status;
        String reason;
        long retryAfter = -1;
        if (cause instanceof UpstreamException upstream) {
            status = upstream.status();
            reason = upstream.reason(ErrorVerbosity.verbose(exchange.getContext()));
            retryAfter = upstream.retryAfterSeconds();
            // The log always has the backend's name and what the network said.
            if (upstream.kind() == UpstreamException.Kind.UNAVAILABLE
                    || upstream.kind() == UpstreamException.Kind.ABANDONED) {
                // Member state changes are logged once by the health registry, not once per request.
                LOG.debug("route {}: {} {}", route, status, upstream.getMessage());
            } else {
                LOG.warn("route {}: {} {}", route, status, upstream.getMessage());
            }
        } else {
            status = 500;
            reason = "the route failed";
            BodyNotHeldException notHeld = ObjectHelper.getException(BodyNotHeldException.class, cause);
            if (notHeld != null) {
                // A route that needs a buffering option: its fix, not Camel's type conversion, is the news.
                LOG.warn("route {}: 500 {}", route, notHeld.getMessage());
            } else {
                LOG.warn("route {}: 500 {}: {}", route, cause.getClass().getSimpleName(), cause.getMessage());
            }
            LOG.debug("route {} failed", route, cause);
        }
        FullHttpResponse response = plain(status, "route " + route + ": " + reason);
        if (retryAfter >= 0) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        return response;
    }

    /**
     * Answers a request whose head Serai refuses and closes the connection once the answer is written:
     * what follows the head (its body, further requests) cannot be trusted to be framed as the client
     * meant, so nothing more is read.
     */
    public static void refuseAndClose(ChannelHandlerContext ctx, int status, String reason) {
        refuseAndClose(ctx, plain(status, reason));
    }

    /** As {@link #refuseAndClose(ChannelHandlerContext, int, String)}, with the answer given (a gRPC-shaped one). */
    public static void refuseAndClose(ChannelHandlerContext ctx, HttpResponse response) {
        ctx.channel().config().setAutoRead(false);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** A response with no body, such as the answer to {@code OPTIONS *}. */
    public static FullHttpResponse empty(int status) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.EMPTY_BUFFER);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    public static FullHttpResponse plain(int status, String text) {
        HttpResponseStatus s = HttpResponseStatus.valueOf(status);
        byte[] body = (s.code() + " " + s.reasonPhrase() + ": " + text + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, s, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }
}
