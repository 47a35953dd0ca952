package io.serai.ingress;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

/**
 * Parses each request's target once, as its head arrives, and refuses with 400 a target Serai does
 * not route ({@link RequestTarget.BadRequestTarget}) before any body is read; the connection is then
 * closed, since the body that follows was never read. The parse is kept for {@link ClientAddressTagger},
 * which hands it on with the complete request, so routing, access rules and the backend all use it.
 */
final class RequestTargetCheck extends ChannelInboundHandlerAdapter {

    private final boolean allowEncodedSlash;
    private boolean refused;
    private RequestTarget last;

    RequestTargetCheck(boolean allowEncodedSlash) {
        this.allowEncodedSlash = allowEncodedSlash;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
            try {
                RequestTarget target = RequestTarget.parse(request.uri(), allowEncodedSlash);
                if (target.isAsterisk() && !HttpMethod.OPTIONS.equals(request.method())) {
                    throw new RequestTarget.BadRequestTarget("asterisk-form (*) is only for OPTIONS");
                }
                last = target;
            } catch (RequestTarget.BadRequestTarget bad) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, bad.getMessage());
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The parse of {@code uri}: the one made when its head arrived (parsing is a function of the text). */
    RequestTarget targetOf(String uri) {
        RequestTarget kept = last;
        return kept != null && kept.raw().equals(uri) ? kept : RequestTarget.parse(uri, allowEncodedSlash);
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        refused = true;
        ctx.channel().config().setAutoRead(false);
        FullHttpResponse response = ErrorResponses.plain(400, reason);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
