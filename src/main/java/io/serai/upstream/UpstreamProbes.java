package io.serai.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.serai.health.ProbeAnswer;
import io.serai.health.ProbeClient;
import io.serai.security.tls.HandshakeFailureReason;
import io.serai.security.upstream.BackendTls;
import io.serai.security.upstream.BackendTlsContexts;
import io.serai.settings.ProxySettings;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Health checks and load reports of one backend, sent by Serai's own client: a fresh connection per
 * probe, closed after its answer (HAProxy's default check), on one of the upstream event loops, with the
 * TLS handler, server name and verification the backend's traffic gets. Not from the traffic's pool, so
 * a probe never waits behind requests nor keeps a connection the pool would reuse. A {@code protocol=h2}
 * member is probed over HTTP/2 (one stream on its own connection, {@link Http2ConnectionSetup}).
 */
final class UpstreamProbes implements ProbeClient {

    private final UpstreamTarget target;
    private final Supplier<EventLoopGroup> loops;
    private final Supplier<AddressResolverGroup<? extends SocketAddress>> resolvers;
    private final BackendTlsContexts tls;
    private final ProxySettings settings;

    UpstreamProbes(
            UpstreamTarget target,
            Supplier<EventLoopGroup> loops,
            Supplier<AddressResolverGroup<? extends SocketAddress>> resolvers,
            BackendTlsContexts tls,
            ProxySettings settings) {
        this.target = target;
        this.loops = loops;
        this.resolvers = resolvers;
        this.tls = tls;
        this.settings = settings;
    }

    @Override
    public CompletionStage<ProbeAnswer> get(String path, Duration timeout) {
        return send(request(path), timeout);
    }

    /** A gRPC health check's POST: one stream, on its own connection as every probe. */
    @Override
    public CompletionStage<ProbeAnswer> postHttp2(
            String path, Map<String, String> headers, byte[] body, Duration timeout) {
        if (!target.http2()) {
            return CompletableFuture.failedFuture(
                    new IOException("is not reached over HTTP/2 (the member option protocol=h2)"));
        }
        FullHttpRequest request =
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, target.authority());
        headers.forEach(request.headers()::set);
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return send(request, timeout);
    }

    private CompletionStage<ProbeAnswer> send(FullHttpRequest request, Duration timeout) {
        CompletableFuture<ProbeAnswer> answer = new CompletableFuture<>();
        try {
            EventLoop loop = loops.get().next();
            Duration connectTimeout = timeout.compareTo(settings.upstreamConnectTimeout()) < 0
                    ? timeout
                    : settings.upstreamConnectTimeout();
            ChannelFuture connect = new Bootstrap()
                    .group(loop)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, connectTimeout.toMillis()))
                    .option(ChannelOption.TCP_NODELAY, true)
                    .resolver(resolvers.get())
                    .handler(
                            target.http2()
                                    ? new Http2ConnectionSetup(target, tls, settings, connectTimeout, null)
                                    : new Setup(answer, connectTimeout))
                    .connect(target.address());
            Channel ch = connect.channel();
            var timer = loop.schedule(
                    () -> answer.completeExceptionally(
                            new TimeoutException("no answer within " + timeout.toMillis() + " ms")),
                    timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            answer.whenComplete((done, error) -> {
                timer.cancel(false);
                ch.close();
            });
            connect.addListener((ChannelFuture f) -> {
                if (f.isSuccess() && target.http2()) {
                    Http2ConnectionSetup.ready(ch).addListener(ready -> {
                        if (ready.isSuccess()) {
                            sendOnStream(ch, request, answer);
                        } else {
                            request.release();
                            answer.completeExceptionally(failure(ready.cause()));
                        }
                    });
                } else if (f.isSuccess()) {
                    f.channel().writeAndFlush(request);
                } else {
                    request.release();
                    answer.completeExceptionally(f.cause());
                }
            });
        } catch (RuntimeException e) {
            // the event loops are shutting down with Serai
            request.release();
            answer.completeExceptionally(e);
        }
        return answer;
    }

    /** An h2 member's probe: one stream on its own connection, the same request as HTTP/1.1's. */
    private void sendOnStream(Channel connection, FullHttpRequest request, CompletableFuture<ProbeAnswer> answer) {
        new Http2StreamChannelBootstrap(connection)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline().addLast("codec", new Http2StreamFrameToHttpObjectCodec(false));
                        stream.pipeline().addLast("aggregate", new HttpObjectAggregator(ProbeAnswer.MAX_BODY));
                        stream.pipeline().addLast("answer", new AnswerHandler(answer));
                    }
                })
                .open()
                .addListener((Future<Http2StreamChannel> opened) -> {
                    if (opened.isSuccess()) {
                        opened.getNow().writeAndFlush(request);
                    } else {
                        request.release();
                        answer.completeExceptionally(opened.cause());
                    }
                });
    }

    private FullHttpRequest request(String path) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        request.headers()
                .set(HttpHeaderNames.HOST, target.authority())
                .set(HttpHeaderNames.USER_AGENT, "serai-health-check")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.ACCEPT, "*/*");
        return request;
    }

    /** Probes of the same backend over the same TLS are the same: a reload that keeps both keeps its probe. */
    @Override
    public boolean equals(Object other) {
        // the endpoint's base path plays no part: a probe's path is its own
        return other instanceof UpstreamProbes probes
                && probes.target.toString().equals(target.toString())
                && Objects.equals(probes.target.backendTls(), target.backendTls())
                && probes.tls == tls;
    }

    @Override
    public int hashCode() {
        return target.toString().hashCode();
    }

    @Override
    public String toString() {
        return "probes of " + target;
    }

    private Throwable failure(Throwable cause) {
        if (HandshakeFailureReason.handshakeFailure(cause) != null || cause instanceof SslHandshakeTimeoutException) {
            BackendTls backendTls = target.backendTls();
            String name = backendTls.serverName() != null ? backendTls.serverName() : target.host();
            return new IOException(
                    "TLS handshake failed: " + HandshakeFailureReason.of(cause, name, backendTls.clientCert() != null),
                    cause);
        }
        if (cause instanceof TooLongFrameException) {
            return new IOException(
                    "answered more than " + ProbeAnswer.MAX_BODY / 1024
                            + " KiB or a head larger than serai.limits.max-header",
                    cause);
        }
        return cause;
    }

    private final class Setup extends ChannelInitializer<Channel> {

        private final CompletableFuture<ProbeAnswer> answer;
        private final Duration handshakeTimeout;

        Setup(CompletableFuture<ProbeAnswer> answer, Duration handshakeTimeout) {
            this.answer = answer;
            this.handshakeTimeout = handshakeTimeout;
        }

        @Override
        protected void initChannel(Channel ch) {
            target.addTls(ch, tls, handshakeTimeout);
            ch.pipeline().addLast("codec", new HttpClientCodec(4096, settings.maxHeader(), 8192));
            ch.pipeline().addLast("aggregate", new HttpObjectAggregator(ProbeAnswer.MAX_BODY));
            ch.pipeline().addLast("answer", new AnswerHandler(answer));
        }
    }

    private final class AnswerHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

        private final CompletableFuture<ProbeAnswer> answer;

        AnswerHandler(CompletableFuture<ProbeAnswer> answer) {
            this.answer = answer;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (response.decoderResult().isFailure()) {
                answer.completeExceptionally(new IOException("sent an invalid HTTP response ("
                        + response.decoderResult().cause().getMessage() + ")"));
                return;
            }
            int code = response.status().code();
            if (code >= 100 && code < 200 && code != 101) {
                // An interim response (a 103 Early Hints): the probe's answer is the final one that follows.
                return;
            }
            Map<String, String> headers = new HashMap<>();
            response.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            // an HTTP/2 answer's trailers (gRPC's status) after its head
            response.trailingHeaders().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            answer.complete(new ProbeAnswer(
                    response.status().code(),
                    headers,
                    response.content().toString(StandardCharsets.UTF_8),
                    ByteBufUtil.getBytes(response.content())));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            answer.completeExceptionally(failure(cause));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            SslHandler handler = ctx.pipeline().get(SslHandler.class);
            if (handler != null && handler.handshakeFuture().cause() != null) {
                answer.completeExceptionally(failure(handler.handshakeFuture().cause()));
            }
            answer.completeExceptionally(new IOException("closed the connection before a complete response"));
            super.channelInactive(ctx);
        }
    }
}
