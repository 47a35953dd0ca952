package io.serai.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a pooled backend connection: hands the one response in flight to its call,
 * and reports a fault or a close to that call. An idle connection with no call is closed.
 */
final class UpstreamConnectionHandler extends ChannelInboundHandlerAdapter {

    private UpstreamCall call;

    void begin(UpstreamCall next) {
        this.call = next;
    }

    void end() {
        this.call = null;
    }

    /** Sits between the codec and the aggregator: tells the call in flight that its response has begun. */
    final class ResponseStartWatcher extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            UpstreamCall current = call;
            if (current != null && msg instanceof HttpResponse) {
                current.responseStarted();
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Netty's aggregator, bounded by {@code serai.upstream.max-response-body}, except that the answer to a
     * HEAD is never refused for its Content-Length: it has no body, and that length is the size of the
     * resource a GET would get (RFC 9110 section 9.3.2).
     */
    final class ResponseAggregator extends HttpObjectAggregator {

        ResponseAggregator(int maxContentLength) {
            super(maxContentLength);
        }

        @Override
        protected boolean isContentLengthInvalid(HttpMessage start, int maxContentLength) {
            UpstreamCall current = call;
            return (current == null || !current.isHead()) && super.isContentLengthInvalid(start, maxContentLength);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamCall current = call;
        if (current == null || !(msg instanceof FullHttpResponse response)) {
            // A response nobody asked for: the connection is out of step, so it is not reused.
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        current.onResponse(response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        UpstreamCall current = call;
        call = null;
        ctx.close();
        if (current != null) {
            current.onFailure(cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        UpstreamCall current = call;
        call = null;
        if (current != null) {
            current.onFailure(new BackendClosedException());
        }
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent && call == null) {
            ctx.close();
        }
        super.userEventTriggered(ctx, event);
    }

    /** The backend closed the connection before its response was complete. */
    static final class BackendClosedException extends Exception {
        BackendClosedException() {
            super("closed the connection before a complete response", null, false, false);
        }
    }
}
