package io.serai.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.serai.http.ErrorResponses;
import io.serai.http.HostNames;
import io.serai.http.RequestTarget;
import io.serai.http.grpc.GrpcAnswers;

import java.util.List;

/**
 * Refuses request heads that a strict edge proxy must not forward, before any body is read: what
 * {@link RequestGrammar} or Netty's decoder refused gets its precise status (400, 501, 505, 413, 414, 431)
 * and a reason in Serai's words (never Netty's message, which quotes the client's bytes), and this adds
 * the rules about Host and CONNECT (RFC 9112 section 3.2) and parses the request-target, once, refusing
 * one Serai does not route ({@link RequestTarget}). A refused connection is closed: what follows the head
 * cannot be trusted to be framed as the client meant.
 */
final class RequestValidator extends ChannelInboundHandlerAdapter {

    private final boolean allowEncodedSlash;
    private final int maxUri;
    private boolean refused;
    private RequestTarget last;

    /**
     * {@code maxUri} bounds the target of a request that no HTTP/1 decoder has bounded already (an HTTP/2
     * stream's {@code :path}, which only the header list limit bounds otherwise).
     */
    RequestValidator(boolean allowEncodedSlash, int maxUri) {
        this.allowEncodedSlash = allowEncodedSlash;
        this.maxUri = maxUri;
    }

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
                refuse(ctx, request.headers(), statusFor(request), problem);
                return;
            }
            if (request.uri().length() > maxUri) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, request.headers(), 414, "request target longer than serai.limits.max-uri");
                return;
            }
            try {
                last = target(request);
            } catch (RequestTarget.BadRequestTarget bad) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, request.headers(), 400, bad.getMessage());
                return;
            }
        } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
            // A chunked body Netty could not read past a limit (RequestGrammar has checked its syntax).
            Throwable cause = content.decoderResult().cause();
            ReferenceCountUtil.release(msg);
            if (cause instanceof TooLongHttpHeaderException) {
                refuse(ctx, null, 431, "request header and trailer sections larger than serai.limits.max-header");
            } else {
                refuse(
                        ctx,
                        null,
                        400,
                        cause instanceof TooLongHttpLineException
                                ? "chunk-size line longer than serai.limits.max-uri"
                                : "malformed request body");
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * The request's target, parsed once here and kept for {@link ClientAddressTagger}, which hands it on
     * with the complete request, so routing, access rules and the backend all use this one parse.
     */
    private RequestTarget target(HttpRequest request) {
        RequestTarget target = RequestTarget.parse(request.uri(), allowEncodedSlash);
        if (target.isAsterisk() && !HttpMethod.OPTIONS.equals(request.method())) {
            throw new RequestTarget.BadRequestTarget("asterisk-form (*) is only for OPTIONS");
        }
        return target;
    }

    /** The parse of {@code uri}: the one made when its head arrived (parsing is a function of the text). */
    RequestTarget targetOf(String uri) {
        RequestTarget kept = last;
        return kept != null && kept.raw().equals(uri) ? kept : RequestTarget.parse(uri, allowEncodedSlash);
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
        if (!hosts.isEmpty() && !HostNames.isAuthority(hosts.get(0))) {
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

    private void refuse(ChannelHandlerContext ctx, HttpHeaders request, int status, String reason) {
        refused = true;
        ErrorResponses.refuseAndClose(ctx, GrpcAnswers.reshape(request, ErrorResponses.plain(status, reason), null));
    }
}
