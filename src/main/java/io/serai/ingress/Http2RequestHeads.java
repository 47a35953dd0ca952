package io.serai.ingress;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an HTTP/2 request must be beyond what Netty's codec checks (pseudo-headers, upper case names, and
 * the connection-specific fields of RFC 9113 §8.2.2, which it refuses with a stream error PROTOCOL_ERROR).
 */
final class Http2RequestHeads {

    private static final String EXTENSION_PREFIX = "x-http2-";

    private Http2RequestHeads() {}

    /**
     * Before the conversion to HTTP objects: {@code :authority} becomes the request's Host. A Host field
     * that names the same authority is dropped (the conversion would make two); one that names another is
     * a malformed request (RFC 9113 §8.3.1), answered with a stream error PROTOCOL_ERROR (§8.1.1).
     */
    static final ChannelHandler AUTHORITY = new Authority();

    /**
     * After the conversion: removes the {@code x-http2-*} fields Netty adds to carry the stream's id and
     * scheme, so that they never reach a route or a backend (nor can a client send its own).
     */
    static final ChannelHandler EXTENSION_HEADERS = new ExtensionHeaders();

    @ChannelHandler.Sharable
    private static final class Authority extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame frame) {
                Http2Headers headers = frame.headers();
                CharSequence authority = headers.authority();
                CharSequence host = headers.get(HttpHeaderNames.HOST);
                if (host != null && authority != null) {
                    if (!AsciiString.contentEqualsIgnoreCase(host, authority)
                            || headers.getAll(HttpHeaderNames.HOST).size() > 1) {
                        ReferenceCountUtil.release(msg);
                        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR));
                        return;
                    }
                    headers.remove(HttpHeaderNames.HOST);
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    @ChannelHandler.Sharable
    private static final class ExtensionHeaders extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                List<String> extensions = null;
                for (Map.Entry<String, String> header : request.headers()) {
                    if (header.getKey().regionMatches(true, 0, EXTENSION_PREFIX, 0, EXTENSION_PREFIX.length())) {
                        if (extensions == null) {
                            extensions = new ArrayList<>(2);
                        }
                        extensions.add(header.getKey());
                    }
                }
                if (extensions != null) {
                    extensions.forEach(request.headers()::remove);
                }
            }
            ctx.fireChannelRead(msg);
        }
    }
}
