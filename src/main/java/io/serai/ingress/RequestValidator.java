package io.serai.ingress;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Refuses request heads that a strict edge proxy must not forward, before any body is read: what
 * {@link RequestGrammar} or Netty's decoder refused gets its precise status (400, 501, 505, 413, 414, 431)
 * and a reason in Serai's words (never Netty's message, which quotes the client's bytes), and this adds
 * the rules about Host and CONNECT (RFC 9112 section 3.2). A refused connection is closed: what follows
 * the head cannot be trusted to be framed as the client meant.
 */
final class RequestValidator extends ChannelInboundHandlerAdapter {

    // RFC 3986 authority as Host carries it: reg-name or IPv4, or an IPv6 literal, and an optional port.
    private static final Pattern HOST = Pattern.compile(
            "(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9\\-._~!$&'()*+,;=%]+)(:[0-9]{0,5})?");

    private boolean refused;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            String problem = problem(request);
            if (problem != null) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, statusFor(request), problem);
                return;
            }
        } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
            // A chunked body Netty could not read past a limit (RequestGrammar has checked its syntax).
            Throwable cause = content.decoderResult().cause();
            ReferenceCountUtil.release(msg);
            if (cause instanceof TooLongHttpHeaderException) {
                refuse(ctx, 431, "request header and trailer sections larger than serai.limits.max-header");
            } else {
                refuse(ctx, 400, cause instanceof TooLongHttpLineException
                        ? "chunk-size line longer than serai.limits.max-uri" : "malformed request body");
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static String problem(HttpRequest request) {
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            Throwable cause = decoded.cause();
            if (cause instanceof TooLongHttpLineException) {
                return "request target longer than serai.limits.max-uri";
            }
            if (cause instanceof TooLongHttpHeaderException) {
                return "request header section larger than serai.limits.max-header";
            }
            if (cause instanceof GrammarViolation violation) {
                return violation.getMessage();
            }
            // Netty's own message may quote a header name or value: refusals carry Serai's words only.
            return "malformed request";
        }
        if (HttpMethod.CONNECT.equals(request.method())) {
            return "CONNECT is not supported: Serai is a reverse proxy, not a tunnel";
        }
        HttpHeaders headers = request.headers();
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return "more than one Host header";
        }
        if (hosts.isEmpty() && !HttpVersion.HTTP_1_0.equals(request.protocolVersion())) {
            return "missing Host header";
        }
        if (!hosts.isEmpty() && !HOST.matcher(hosts.get(0)).matches()) {
            return "invalid Host header";
        }
        return null;
    }

    private static int statusFor(HttpRequest request) {
        DecoderResult decoded = request.decoderResult();
        if (!decoded.isFailure() && HttpMethod.CONNECT.equals(request.method())) {
            return 405;
        }
        if (decoded.isFailure() && decoded.cause() instanceof GrammarViolation violation) {
            return violation.status();
        }
        if (decoded.isFailure() && decoded.cause() instanceof TooLongHttpLineException) {
            return 414;
        }
        if (decoded.isFailure() && decoded.cause() instanceof TooLongHttpHeaderException) {
            return 431;
        }
        return 400;
    }

    private void refuse(ChannelHandlerContext ctx, int status, String reason) {
        refused = true;
        ctx.channel().config().setAutoRead(false);
        FullHttpResponse response = ErrorResponses.plain(status, reason);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
