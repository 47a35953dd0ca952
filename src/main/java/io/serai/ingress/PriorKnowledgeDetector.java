package io.serai.ingress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;

import java.util.List;

/**
 * First on a cleartext connection: reads its first bytes, and if they are HTTP/2's 24-byte connection
 * preface (RFC 9113 §3.4, "prior knowledge", h2c) replaces the HTTP/1.1 handlers by HTTP/2's; anything
 * else leaves HTTP/1.1 as it is. Either way it then removes itself, handing on what it read, so a
 * connection pays for it once and a request never. Written here because Netty's own detector
 * (CleartextHttp2ServerUpgradeHandler) comes with the {@code Upgrade: h2c} path, which Serai refuses.
 */
final class PriorKnowledgeDetector extends ByteToMessageDecoder {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final Http2Pipeline http2;

    PriorKnowledgeDetector(Http2Pipeline http2) {
        this.http2 = http2;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int seen = Math.min(in.readableBytes(), PREFACE.readableBytes());
        boolean matches = ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), seen);
        if (matches && seen < PREFACE.readableBytes()) {
            // A prefix of the preface so far: wait for the rest (an HTTP/1 "PRI" request is refused anyway).
            return;
        }
        if (matches) {
            http2.replaceAfter(ctx);
        }
        // Removing this decoder hands on the bytes it holds to what follows.
        ctx.pipeline().remove(this);
    }
}
