package io.serai.upstream;

import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;

import java.util.function.BooleanSupplier;

/**
 * The HTTP/1.1 codec of a pooled backend connection: Netty's request encoder and response decoder, as in
 * {@link HttpClientCodec}, but with the answer to "has this response a body?" fixed for a 1xx ahead of a
 * HEAD's answer. Netty 4.1.130's client codec pairs each response with the method of its request by taking
 * that method off a queue before it looks at the status, so a {@code 103} takes the HEAD's place and the
 * final {@code 200 Content-Length: N} is then read as if N body bytes followed: the connection waits for bytes
 * that never come. Here an interim response (1xx but 101) has no body and pairs with nothing, and a final
 * one asks the connection's call whether it answers a HEAD (one call at a time per connection). CONNECT, the
 * other method Netty's codec treats apart, is refused at the edge; a route that sets it on its own gets its
 * 200 read as an ordinary response (Netty's codec would pass the tunnel's bytes on; neither would serve a
 * tunnel, which Serai does not offer). A 101 still
 * leaves the decoder passing the bytes after it on untouched, as Netty's decoder does by itself.
 */
final class BackendHttpCodec extends CombinedChannelDuplexHandler<HttpResponseDecoder, HttpRequestEncoder> {

    BackendHttpCodec(int maxInitialLine, int maxHeader, int maxChunk, BooleanSupplier answersHead) {
        super(
                new Decoder(
                        new HttpDecoderConfig()
                                .setMaxInitialLineLength(maxInitialLine)
                                .setMaxHeaderSize(maxHeader)
                                .setMaxChunkSize(maxChunk),
                        answersHead),
                new HttpRequestEncoder());
    }

    private static final class Decoder extends HttpResponseDecoder {

        private final BooleanSupplier answersHead;

        Decoder(HttpDecoderConfig config, BooleanSupplier answersHead) {
            super(config);
            this.answersHead = answersHead;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            int code = ((HttpResponse) msg).status().code();
            if (code >= 200 && answersHead.getAsBoolean()) {
                // RFC 9110 section 9.3.2: the answer to a HEAD has no content, whatever its Content-Length says.
                return true;
            }
            // 1xx (no body; Netty's own rule for 101), 204, 304 and everything else as Netty decides.
            return super.isContentAlwaysEmpty(msg);
        }
    }
}
