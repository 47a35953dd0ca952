package io.serai.ingress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpExpectationFailedEvent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Netty's request decoder behind {@link RequestGrammar}: every byte read is checked against RFC 9112's
 * grammar before Netty decodes it, and a connection that breaks it gets, in place of anything Netty would
 * make of those bytes, one request whose decoder result is the {@link GrammarViolation}; RequestValidator
 * answers it and closes the connection. Nothing after the first violation is decoded.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    private final RequestGrammar grammar;
    private boolean discarding;

    StrictRequestDecoder(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize) {
        super(maxInitialLineLength, maxHeaderSize, maxChunkSize);
        this.grammar = new RequestGrammar(maxHeaderSize);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof ByteBuf bytes)) {
            super.channelRead(ctx, msg);
            return;
        }
        if (discarding) {
            bytes.release();
            return;
        }
        if (!grammar.accepts(bytes)) {
            // Earlier requests of this buffer are dropped too: the refusal is the connection's last answer.
            discarding = true;
            bytes.release();
            HttpRequest refused = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
            refused.setDecoderResult(DecoderResult.failure(grammar.violation()));
            ctx.fireChannelRead(refused);
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected HttpMessage createMessage(String[] initialLine) throws Exception {
        // RFC 9110 section 2.5: a higher minor version of HTTP/1 (RequestGrammar let only HTTP/1.x through)
        // is processed as the highest one Serai speaks.
        String version = initialLine[2];
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            initialLine[2] = "HTTP/1.1";
        }
        return super.createMessage(initialLine);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HttpExpectationFailedEvent) {
            // The aggregator refused an Expect request (413 or 417) before its body. Netty would reset and read
            // the next bytes as a new request, but a client may send the body anyway (RFC 9110 section 10.1.1),
            // and that body must never become a request. So the body is read as declared (and discarded by the
            // aggregator), and the connection is closed once the refusal is written.
            discarding = true;
            ctx.executor()
                    .execute(() -> ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
            ctx.fireUserEventTriggered(evt);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
