package io.serai.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a pooled backend connection: hands the response in flight, head and body parts as
 * they are decoded, to its call, and reports a fault or a close to that call. An idle connection with no
 * call is closed; anything the backend sends with no call in flight closes it too.
 */
final class UpstreamConnectionHandler extends ChannelInboundHandlerAdapter {

    private UpstreamCall call;

    void begin(UpstreamCall next) {
        this.call = next;
    }

    /** {@code ended} no longer uses this connection (another call may have begun on it since). */
    void end(UpstreamCall ended) {
        if (call == ended) {
            call = null;
        }
    }

    /** Whether the response being read answers a HEAD, asked by the decoder of this connection. */
    boolean answersHead() {
        UpstreamCall current = call;
        return current != null && current.isHead();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamCall current = call;
        if (current == null) {
            // A response nobody asked for: the connection is out of step, so it is not reused.
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse response) {
            current.onHead(response);
        }
        if (msg instanceof HttpContent content) {
            current.onContent(content);
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        UpstreamCall current = call;
        if (current != null) {
            current.onReadComplete();
        }
        super.channelReadComplete(ctx);
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
