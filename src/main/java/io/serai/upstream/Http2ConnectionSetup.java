package io.serai.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.serai.security.upstream.BackendTlsContexts;
import io.serai.settings.ProxySettings;

import java.nio.channels.ClosedChannelException;
import java.time.Duration;

/**
 * The pipeline of an HTTP/2 connection to a {@code protocol=h2} backend, for the pool and the probes alike:
 * Netty's {@link Http2FrameCodec} and {@link Http2MultiplexHandler}, each request then being a stream channel.
 * Cleartext ({@code http://}) speaks HTTP/2 at once (prior knowledge, RFC 9113 section 3.3); TLS offers
 * {@code h2} and {@code http/1.1} by ALPN and goes on only when the backend chose {@code h2}: a member declared
 * {@code protocol=h2} that answers with HTTP/1.1 is a misconfiguration, reported as such
 * ({@link NotHttp2Exception}), rather than served over a protocol whose trailers and multiplexing it lacks.
 * {@link #ready} completes when streams may be opened. Push is refused; each stream's window is
 * {@code serai.stream.window}, and the connection's is that times the streams it may carry, so one slow
 * stream never holds back the others.
 */
final class Http2ConnectionSetup extends ChannelInitializer<Channel> {

    private static final String[] ALPN = {"h2", "http/1.1"};
    private static final AttributeKey<Promise<Channel>> READY = AttributeKey.valueOf("serai.upstream.h2.ready");

    private final UpstreamTarget target;
    private final BackendTlsContexts tls;
    private final ProxySettings settings;
    private final Duration handshakeTimeout;
    private final ChannelHandler last;

    /** {@code last}, when not null, goes after the multiplexer: it sees the connection's own frames (GOAWAY). */
    Http2ConnectionSetup(
            UpstreamTarget target,
            BackendTlsContexts tls,
            ProxySettings settings,
            Duration handshakeTimeout,
            ChannelHandler last) {
        this.target = target;
        this.tls = tls;
        this.settings = settings;
        this.handshakeTimeout = handshakeTimeout;
        this.last = last;
    }

    /** Completes with {@code ch} once it speaks HTTP/2, or fails with why it never will. */
    static Future<Channel> ready(Channel ch) {
        return ch.attr(READY).get();
    }

    /** The codec of a ready connection. */
    static Http2FrameCodec codec(Channel ch) {
        return ch.pipeline().get(Http2FrameCodec.class);
    }

    @Override
    protected void initChannel(Channel ch) {
        Promise<Channel> ready = ch.eventLoop().newPromise();
        ch.attr(READY).set(ready);
        ch.closeFuture().addListener(closed -> ready.tryFailure(new ClosedChannelException()));
        if (!target.tls()) {
            ch.pipeline().addLast("h2-active", new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(ChannelHandlerContext ctx) throws Exception {
                    ctx.pipeline().remove(this);
                    addHttp2(ctx.channel());
                    ready.trySuccess(ctx.channel());
                    super.channelActive(ctx);
                }
            });
            return;
        }
        SslHandler handler =
                tls.newHandler(target.backendTls(), ch.alloc(), target.host(), target.port(), handshakeTimeout, ALPN);
        ch.pipeline().addLast("tls", handler);
        // Until HTTP/2 is on, a failure is the handshake's, which the ready promise reports: not logged here.
        ch.pipeline().addLast("h2-handshake", new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ready.tryFailure(cause);
                ctx.close();
            }
        });
        handler.handshakeFuture().addListener(handshake -> {
            if (!handshake.isSuccess()) {
                ready.tryFailure(handshake.cause());
                return;
            }
            ch.pipeline().remove("h2-handshake");
            String chosen = handler.engine().getApplicationProtocol();
            if (!"h2".equals(chosen)) {
                ready.tryFailure(new NotHttp2Exception(chosen));
                ch.close();
                return;
            }
            addHttp2(ch);
            ready.trySuccess(ch);
        });
    }

    private void addHttp2(Channel ch) {
        int window = settings.streamWindow();
        Http2Settings initial = Http2Settings.defaultSettings()
                .pushEnabled(false)
                .initialWindowSize(window)
                .maxHeaderListSize(settings.maxHeader());
        // Streams opened before the backend's SETTINGS arrive wait (Netty's buffering encoder) rather than
        // exceed its SETTINGS_MAX_CONCURRENT_STREAMS.
        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
                .initialSettings(initial)
                .encoderEnforceMaxConcurrentStreams(true)
                .build();
        ch.pipeline().addLast("h2", codec);
        // Push is off: a stream the backend opens is refused by closing it.
        ch.pipeline().addLast("h2-streams", new Http2MultiplexHandler(new RefusePushed()));
        if (last != null) {
            ch.pipeline().addLast("h2-connection", last);
        }
        long connectionWindow =
                Math.min(Integer.MAX_VALUE, (long) window * Math.max(1, settings.upstreamHttp2MaxStreams()));
        int increment = (int) (connectionWindow - Http2CodecUtil.DEFAULT_WINDOW_SIZE);
        if (increment > 0) {
            ch.writeAndFlush(new DefaultHttp2WindowUpdateFrame(increment));
        }
    }

    @ChannelHandler.Sharable
    private static final class RefusePushed extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }

    /** A {@code protocol=h2} backend over TLS chose another protocol (or none) by ALPN. */
    static final class NotHttp2Exception extends Exception {
        NotHttp2Exception(String chosen) {
            super(
                    "does not speak HTTP/2 (protocol=h2): ALPN chose "
                            + (chosen == null || chosen.isEmpty() ? "no protocol" : chosen),
                    null,
                    false,
                    false);
        }
    }
}
