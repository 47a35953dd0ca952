package io.serai.ingress;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * {@code serai.client.idle-timeout} on an HTTP/2 connection: closed (with GOAWAY) after that long without
 * a stream's frame either way while none of its streams is open. Only streams count, as Envoy's idle
 * timeout has it: a client that sends PING or SETTINGS now and then would otherwise hold its connection,
 * and a slot of {@code serai.limits.max-connections}, for ever. A stream waiting on a slow backend is not
 * idle: the upstream timeout governs it, as on HTTP/1.1. One timer a connection, checked against the time
 * of the last stream frame rather than re-armed for each.
 */
final class Http2IdleConnection extends ChannelDuplexHandler {

    private final long idleNanos;
    private long lastStreamFrame = System.nanoTime();
    private ScheduledFuture<?> timer;

    Http2IdleConnection(long idleMillis) {
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (idleNanos > 0) {
            timer = ctx.executor().schedule(() -> check(ctx), idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2StreamFrame) {
            lastStreamFrame = System.nanoTime();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Http2StreamFrame) {
            lastStreamFrame = System.nanoTime();
        }
        ctx.write(msg, promise);
    }

    private void check(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
        boolean streamsOpen = codec != null && codec.connection().numActiveStreams() > 0;
        long quiet = System.nanoTime() - lastStreamFrame;
        if (!streamsOpen && quiet >= idleNanos) {
            ctx.close();
            return;
        }
        long wait = streamsOpen ? idleNanos : idleNanos - quiet;
        timer = ctx.executor().schedule(() -> check(ctx), wait, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
