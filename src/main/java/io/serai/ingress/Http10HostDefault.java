package io.serai.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetSocketAddress;

/**
 * HTTP/1.0 made Host optional, and Camel's consumer answers any request without Host with 400.
 * For an HTTP/1.0 request without one, this supplies the address the client connected to, as nginx
 * does with its server name; HTTP/1.1 requests without Host are still rejected (RFC 9112 section 3.2).
 */
final class Http10HostDefault extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request
                && HttpVersion.HTTP_1_0.equals(request.protocolVersion())
                && !request.headers().contains(HttpHeaderNames.HOST)) {
            String host = ctx.channel().localAddress() instanceof InetSocketAddress local
                    ? local.getHostString() + ":" + local.getPort()
                    : "localhost";
            request.headers().set(HttpHeaderNames.HOST, host);
        }
        ctx.fireChannelRead(msg);
    }
}
