package io.serai.upstream;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * The pipeline of one request's HTTP/2 stream: Netty's {@link Http2StreamFrameToHttpObjectCodec} turns frames into
 * the HTTP objects an HTTP/1.1 connection's codec makes, for the same {@link UpstreamConnectionHandler}. The
 * conversion adds {@code x-http2-stream-id} (and kin) to a response's fields for its own use; they describe this
 * hop, so they are dropped before the response becomes the exchange's.
 */
final class Http2StreamSetup extends ChannelInitializer<Http2StreamChannel> {

    @Override
    protected void initChannel(Http2StreamChannel stream) {
        stream.pipeline().addLast("codec", new Http2StreamFrameToHttpObjectCodec(false));
        stream.pipeline().addLast("h2-fields", ConversionFields.DROP);
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
}
