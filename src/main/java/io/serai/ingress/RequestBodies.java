package io.serai.ingress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.serai.http.ErrorResponses;
import io.serai.http.body.BodyStream;
import io.serai.http.body.MalformedBodyException;
import io.serai.http.grpc.GrpcAnswers;
import io.serai.http.grpc.GrpcWeb;
import io.serai.http.grpc.GrpcWebBodies;
import io.serai.http.grpc.GrpcWebText;

import java.util.ArrayList;
import java.util.List;

/**
 * Hands each request to the routes as soon as its head is read, in place of Camel's aggregator, which
 * held every request until its whole body had arrived. A body that arrives within the same read as its
 * head (most bodies: small ones) goes on whole, in the request, as before; any other body follows as a
 * {@link BodyStream}, read as the backend takes it, {@code serai.limits.max-body} counted as it passes.
 * A declared body over that limit gets 413 before anything is read (and an {@code Expect: 100-continue}
 * client never sends it); an expectation other than 100-continue gets 417. The 100 Continue is sent
 * when a route first asks for the body. A gRPC-Web text body ({@code application/grpc-web-text}) has its
 * base64 taken off here, chunk by chunk, so that what follows is the gRPC body a backend reads.
 */
final class RequestBodies extends ChannelInboundHandlerAdapter {

    private final long maxBody;
    private final int window;
    private final long keep;

    private HttpRequest head;
    private final List<ByteBuf> early = new ArrayList<>();
    private long earlyBytes;
    private BodyStream stream;
    private boolean refused;
    /** The base64 of the gRPC-Web text request being read, taken off chunk by chunk; null for any other. */
    private GrpcWebBodies.Request grpcWebText;

    /**
     * @param maxBody the request body limit (serai.limits.max-body)
     * @param window  bytes read ahead of the backend (serai.stream.window)
     * @param keep    bytes kept so that the body can be sent again, or held whole for a route that asks
     */
    RequestBodies(long maxBody, int window, long keep) {
        this.maxBody = maxBody;
        this.window = window;
        this.keep = keep;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            begin(ctx, request);
        }
        if (msg instanceof HttpContent content) {
            body(ctx, content);
        }
    }

    private void begin(ChannelHandlerContext ctx, HttpRequest request) {
        if (HttpUtil.getContentLength(request, -1L) > maxBody) {
            refuse(
                    ctx,
                    request.headers(),
                    413,
                    "request body larger than serai.limits.max-body (" + maxBody + " bytes)");
            return;
        }
        if (request.headers().contains(HttpHeaderNames.EXPECT) && !HttpUtil.is100ContinueExpected(request)) {
            refuse(ctx, request.headers(), 417, "the only expectation Serai meets is 100-continue");
            return;
        }
        head = request;
        grpcWebText = null;
        if (HttpMethod.POST.equals(request.method()) && GrpcWeb.isText(request.headers())) {
            // The routes and the backend see gRPC frames; decoded, the body is shorter than the client declared.
            grpcWebText = GrpcWebBodies.request(request.headers().get(HttpHeaderNames.CONTENT_TYPE));
            request.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        }
    }

    private void body(ChannelHandlerContext ctx, HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        ByteBuf chunk = grpcWebText == null ? content.content() : decoded(ctx, content.content(), last);
        if (chunk == null) {
            return;
        }
        if (stream != null) {
            stream.offer(chunk);
            if (last) {
                stream.end();
                stream = null;
            }
            return;
        }
        if (head == null) {
            chunk.release();
            return;
        }
        if (chunk.isReadable()) {
            earlyBytes += chunk.readableBytes();
            early.add(chunk);
        } else {
            chunk.release();
        }
        if (earlyBytes > maxBody) {
            releaseEarly();
            refuse(ctx, head.headers(), 413, "request body larger than serai.limits.max-body (" + maxBody + " bytes)");
            return;
        }
        if (last) {
            ctx.fireChannelRead(whole(head));
            head = null;
        } else if (earlyBytes > window) {
            stream(ctx);
        }
    }

    /** {@code chunk} of a gRPC-Web text body decoded, or null when it was not base64 (the request then failed). */
    private ByteBuf decoded(ChannelHandlerContext ctx, ByteBuf chunk, boolean last) {
        GrpcWebBodies.Request text = grpcWebText;
        try {
            ByteBuf frames = text.chunk(chunk, ctx.alloc());
            if (last) {
                grpcWebText = null;
                try {
                    text.end();
                } catch (GrpcWebText.NotBase64Exception e) {
                    frames.release();
                    throw e;
                }
            }
            return frames;
        } catch (GrpcWebText.NotBase64Exception e) {
            grpcWebText = null;
            String reason = "gRPC-Web text body is not base64: " + e.getMessage();
            if (stream != null) {
                stream.fail(new MalformedBodyException(reason));
                stream = null;
                refused = true;
            } else if (head != null) {
                releaseEarly();
                refuse(ctx, head.headers(), 400, reason);
            }
            return null;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (head != null) {
            // The body did not come with its head: the request goes on now, its body behind it.
            stream(ctx);
        }
        ctx.fireChannelReadComplete();
    }

    private void stream(ChannelHandlerContext ctx) {
        HttpRequest request = head;
        head = null;
        BodyStream body = new BodyStream(
                ctx.channel(), HttpUtil.getContentLength(request, -1L), maxBody, window, keep, 0, () -> {});
        if (HttpUtil.is100ContinueExpected(request)) {
            body.onFirstDemand(() -> ctx.writeAndFlush(new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER)));
        }
        for (ByteBuf chunk : early) {
            body.offer(chunk);
        }
        early.clear();
        earlyBytes = 0;
        stream = body;
        ctx.fireChannelRead(new StreamedRequest(request, body));
    }

    private DefaultFullHttpRequest whole(HttpRequest request) {
        ByteBuf content;
        if (early.isEmpty()) {
            content = Unpooled.EMPTY_BUFFER;
        } else if (early.size() == 1) {
            content = early.get(0);
        } else {
            CompositeByteBuf all = Unpooled.compositeBuffer(early.size());
            early.forEach(chunk -> all.addComponent(true, chunk));
            content = all;
        }
        early.clear();
        earlyBytes = 0;
        DefaultFullHttpRequest full = new DefaultFullHttpRequest(
                request.protocolVersion(),
                request.method(),
                request.uri(),
                content,
                request.headers(),
                io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        full.setDecoderResult(request.decoderResult());
        return full;
    }

    private void refuse(ChannelHandlerContext ctx, HttpHeaders request, int status, String reason) {
        refused = true;
        head = null;
        if (stream != null) {
            stream.cancel();
            stream = null;
        }
        ErrorResponses.refuseAndClose(ctx, GrpcAnswers.reshape(request, ErrorResponses.plain(status, reason), null));
    }

    private void releaseEarly() {
        early.forEach(ReferenceCountUtil::safeRelease);
        early.clear();
        earlyBytes = 0;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseEarly();
        if (stream != null) {
            stream.fail(new java.nio.channels.ClosedChannelException());
            stream = null;
        }
        super.channelInactive(ctx);
    }
}
