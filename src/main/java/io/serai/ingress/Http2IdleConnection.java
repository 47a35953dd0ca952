package io.serai.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * {@code serai.client.idle-timeout} on an HTTP/2 connection: closed (with GOAWAY) after that long without
 * a frame either way while none of its streams is open. A stream waiting on a slow backend is not idle:
 * the upstream timeout governs it, as on HTTP/1.1.
 */
final class Http2IdleConnection extends IdleStateHandler {

    Http2IdleConnection(long idleMillis) {
        super(0, 0, idleMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
        if (codec == null || codec.connection().numActiveStreams() == 0) {
            ctx.close();
        }
    }
}
