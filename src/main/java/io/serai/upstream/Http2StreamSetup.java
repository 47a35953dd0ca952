package io.serai.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AttributeKey;

/**
 * The pipeline of one request's HTTP/2 stream: Netty's {@link Http2StreamFrameToHttpObjectCodec} turns frames into
 * the HTTP objects an HTTP/1.1 connection's codec makes, for the same {@link UpstreamConnectionHandler}. The
 * conversion adds {@code x-http2-stream-id} (and kin) to a response's fields for its own use; they describe this
 * hop, so they are dropped before the response becomes the exchange's. A stream the backend refused unprocessed
 * (RST_STREAM REFUSED_STREAM, or above a GOAWAY's last stream id, RFC 9113 section 8.7) is marked {@link #refused},
 * so its call may send it again whatever its method.
 */
final class Http2StreamSetup extends ChannelInitializer<Http2StreamChannel> {

    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("serai.upstream.h2.refused");

    /** True when {@code ch} is an HTTP/2 stream the backend refused before processing it. */
    static boolean refused(Channel ch) {
        return ch.hasAttr(REFUSED);
    }

    @Override
    protected void initChannel(Http2StreamChannel stream) {
        stream.pipeline().addLast("codec", new Http2StreamFrameToHttpObjectCodec(false));
        stream.pipeline().addLast("h2-fields", ConversionFields.DROP);
        stream.pipeline().addLast("h2-refusals", Refusals.WATCH);
        stream.pipeline().addLast("call", new UpstreamConnectionHandler());
    }

    @ChannelHandler.Sharable
    private static final class ConversionFields extends ChannelInboundHandlerAdapter {
        static final ConversionFields DROP = new ConversionFields();
        private static final HttpConversionUtil.ExtensionHeaderNames[] NAMES =
                HttpConversionUtil.ExtensionHeaderNames.values();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpResponse response) {
                HttpHeaders fields = response.headers();
                for (HttpConversionUtil.ExtensionHeaderNames name : NAMES) {
                    fields.remove(name.text());
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    @ChannelHandler.Sharable
    private static final class Refusals extends ChannelInboundHandlerAdapter {
        static final Refusals WATCH = new Refusals();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            // The multiplexer tells a stream of these as events, before the stream closes.
            if (event instanceof Http2GoAwayFrame
                    || event instanceof Http2ResetFrame reset
                            && reset.errorCode() == Http2Error.REFUSED_STREAM.code()) {
                ctx.channel().attr(REFUSED).set(Boolean.TRUE);
            }
            ctx.fireUserEventTriggered(event);
        }
    }
}
