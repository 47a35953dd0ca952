package io.serai.ingress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.util.ReferenceCountUtil;

/**
 * Before the HTTP/2 frame codec: at most {@value #MAX_CONTINUATIONS} CONTINUATION frames in one header
 * block, then the connection ends with GOAWAY ENHANCE_YOUR_CALM (the codec's answer to a connection error).
 * Netty bounds a header block's bytes (1.25 times {@code serai.limits.max-header}), not its frames, so
 * endless empty CONTINUATION frames (the 2024 "CONTINUATION flood") would keep a connection busy for ever.
 * A 32 KiB header list needs 2 at the smallest frame size a peer may use (16 KiB); the limit leaves room
 * for clients that cut their blocks smaller. It reads only frame headers (9 bytes a frame), in place.
 */
final class ContinuationLimit extends ChannelInboundHandlerAdapter {

    static final int MAX_CONTINUATIONS = 64;
    private static final int FRAME_HEADER = Http2CodecUtil.FRAME_HEADER_LENGTH;

    private final byte[] header = new byte[FRAME_HEADER];
    private int headerBytes;
    /** Bytes to pass before the next frame header: first the client's connection preface. */
    private long skip = Http2CodecUtil.connectionPrefaceBuf().readableBytes();

    private int continuations;
    private boolean tripped;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tripped) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf bytes && !withinLimit(bytes)) {
            tripped = true;
            ReferenceCountUtil.release(msg);
            ctx.fireExceptionCaught(Http2Exception.connectionError(
                    Http2Error.ENHANCE_YOUR_CALM,
                    "more than %d CONTINUATION frames in one header block",
                    MAX_CONTINUATIONS));
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private boolean withinLimit(ByteBuf bytes) {
        int i = bytes.readerIndex();
        int end = bytes.writerIndex();
        while (i < end) {
            if (skip > 0) {
                int n = (int) Math.min(skip, end - i);
                i += n;
                skip -= n;
                continue;
            }
            header[headerBytes++] = bytes.getByte(i++);
            if (headerBytes == FRAME_HEADER) {
                headerBytes = 0;
                skip = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
                if (header[3] == Http2FrameTypes.CONTINUATION) {
                    if (++continuations > MAX_CONTINUATIONS) {
                        return false;
                    }
                } else {
                    continuations = 0;
                }
            }
        }
        return true;
    }
}
