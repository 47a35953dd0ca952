package io.serai.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.serai.http.ClientRequest;

/**
 * Stops a connection's next request at the {@link RouteSwapGate} while routes are swapped and hands
 * it on when the gate opens. It sits after the pipelining sequencer, so it holds one request at most.
 */
final class SwapGateHandler extends ChannelInboundHandlerAdapter {

    private final RouteSwapGate gate;
    private Object held;

    SwapGateHandler(RouteSwapGate gate) {
        this.gate = gate;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest)
                || gate.passOrWait(() -> ctx.executor().execute(() -> release(ctx)))) {
            ctx.fireChannelRead(msg);
            return;
        }
        held = msg;
    }

    private void release(ChannelHandlerContext ctx) {
        Object msg = held;
        held = null;
        if (msg == null) {
            return;
        }
        if (!ctx.channel().isActive()) {
            ClientRequest.discard(msg);
            return;
        }
        channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (held != null) {
            ClientRequest.discard(held);
            held = null;
        }
        super.channelInactive(ctx);
    }
}
