package io.serai.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;

/** Wraps each complete request as a {@link ClientRequest} carrying the connection's remote address. */
final class ClientAddressTagger extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request && !(msg instanceof ClientRequest)) {
            ctx.fireChannelRead(new ClientRequest(request, ctx.channel().remoteAddress()));
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
