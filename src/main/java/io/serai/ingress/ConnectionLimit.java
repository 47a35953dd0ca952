package io.serai.ingress;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code serai.limits.max-connections} open client connections across Serai's listeners; a
 * connection beyond that is closed as soon as it is accepted, before it is read, so established
 * connections are not harmed.
 */
@ChannelHandler.Sharable
public final class ConnectionLimit extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("serai.connection.refused");

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    public ConnectionLimit(int max) {
        this.max = max;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            ctx.channel().attr(REFUSED).set(Boolean.TRUE);
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!ctx.channel().hasAttr(REFUSED)) {
            open.decrementAndGet();
        }
        super.channelInactive(ctx);
    }

    public int open() {
        return open.get();
    }
}
