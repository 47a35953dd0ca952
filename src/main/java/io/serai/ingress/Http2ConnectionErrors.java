package io.serai.ingress;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last on an HTTP/2 connection: the frame codec has already answered a client's protocol error (GOAWAY or
 * RST_STREAM) when it passes the error on, so it is logged at debug here instead of reaching the end of
 * the pipeline, where Netty would log each with a stack trace (a flood of them is a flood of log lines).
 */
@ChannelHandler.Sharable
final class Http2ConnectionErrors extends ChannelInboundHandlerAdapter {

    static final Http2ConnectionErrors INSTANCE = new Http2ConnectionErrors();
    private static final Logger LOG = LoggerFactory.getLogger(Http2ConnectionErrors.class);

    private Http2ConnectionErrors() {}

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP/2 connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        if (!(cause instanceof io.netty.handler.codec.http2.Http2Exception)) {
            ctx.close();
        }
    }
}
