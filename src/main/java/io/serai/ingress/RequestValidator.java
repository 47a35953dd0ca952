package io.serai.ingress;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpResponse;
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
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Refuses request heads that a strict edge proxy must not forward, before any body is read: what
 * Netty's decoder already refuses (bad framing, bad field names, NUL, duplicate Content-Length) gets
 * its precise status (414, 431, 400) instead of Camel's bare 400, and this adds the rules Netty leaves
 * to the server (RFC 9112 sections 3.2 and 6.1). A refused connection is closed: what follows the
 * head cannot be trusted to be framed as the client meant. Netty's obs-fold handling (folded into
 * one value with a space) is kept: that is sanitizing, which RFC 9112 section 5.2 allows.
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
            return "malformed request (" + (cause == null ? "unknown" : cause.getMessage()) + ")";
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
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
                return "both Content-Length and Transfer-Encoding";
            }
            List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
            String all = String.join(",", codings);
            String[] parts = all.split(",");
            String last = parts[parts.length - 1].trim().toLowerCase(Locale.ROOT);
            if (!last.equals(HttpHeaderValues.CHUNKED.toString())) {
                return "Transfer-Encoding must end with chunked";
            }
            if (HttpVersion.HTTP_1_0.equals(request.protocolVersion())) {
                return "Transfer-Encoding in an HTTP/1.0 request";
            }
        }
        return null;
    }

    private static int statusFor(HttpRequest request) {
        DecoderResult decoded = request.decoderResult();
        if (!decoded.isFailure() && HttpMethod.CONNECT.equals(request.method())) {
            return 405;
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
