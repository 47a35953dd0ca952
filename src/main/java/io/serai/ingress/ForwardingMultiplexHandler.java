package io.serai.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import org.apache.camel.component.netty.http.handlers.HttpServerMultiplexChannelHandler;

/**
 * Camel's dispatch of a listener's requests to its routes, except that an {@code OPTIONS} request
 * goes to its route like any other. Camel answers every {@code OPTIONS} itself (200 with an
 * {@code Allow} list of its own, then closes the connection); a proxy must forward it (RFC 9110
 * section 9.3.7), and CORS preflights are a route's to answer. The method is carried past Camel's
 * check under another name and restored by {@link ProxyHttpBinding} before a route sees the request.
 */
public final class ForwardingMultiplexHandler extends HttpServerMultiplexChannelHandler {

    /** What an OPTIONS request is called between this handler and the binding. */
    static final HttpMethod FORWARDED_OPTIONS = new HttpMethod("SERAI-FORWARDED-OPTIONS");

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest request && HttpMethod.OPTIONS.equals(request.method())) {
            request.setMethod(FORWARDED_OPTIONS);
        }
        super.channelRead0(ctx, msg);
    }

    /** Gives {@code request} its own method back, if this handler renamed it. */
    static void restoreMethod(HttpRequest request) {
        if (request.method() == FORWARDED_OPTIONS) {
            request.setMethod(HttpMethod.OPTIONS);
        }
    }
}
