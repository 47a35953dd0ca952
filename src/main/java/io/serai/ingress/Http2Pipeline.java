package io.serai.ingress;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.serai.settings.ProxySettings;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A client connection's HTTP/2 handlers, put in place of its HTTP/1.1 ones once ALPN or the connection
 * preface says so: Netty's frame codec and stream multiplexer on the connection, and on each stream
 * Netty's conversion to HTTP objects, then Serai's HTTP/2 request rules ({@link Http2RequestHeads}) and the
 * same HTTP-level handlers as an HTTP/1.1 connection. Connection-level state (connection limit, PROXY
 * protocol source, client certificate, drain) stays on the connection, where a stream finds it through its
 * parent ({@link io.serai.http.ConnectionPeer#connection}).
 * <p>
 * Limits, each set explicitly:
 * <ul>
 *   <li>SETTINGS_MAX_CONCURRENT_STREAMS {@code serai.http2.max-concurrent-streams} (default 100): a stream
 *       beyond it is refused with REFUSED_STREAM by Netty, the others go on (from the first frame, not
 *       only once the client has acknowledged the SETTINGS);
 *   <li>SETTINGS_MAX_HEADER_LIST_SIZE {@code serai.limits.max-header} (default 32 KiB): a larger header list
 *       gets 431 on its stream; one over 1.25 times it (Netty's GOAWAY threshold) closes the connection with
 *       ENHANCE_YOUR_CALM. The same threshold bounds the bytes a HEADERS frame and its CONTINUATION frames
 *       may accumulate, and {@link ContinuationLimit} their number: the guards against CONTINUATION floods;
 *   <li>SETTINGS_INITIAL_WINDOW_SIZE {@code serai.stream.window} (default 256 KiB) for each stream, and
 *       that times the concurrent streams for the connection: a body the backend does not take stops its
 *       client through its stream's window, with at most the window in memory, and never holds back the
 *       connection's other streams (a connection window of a few stream windows would be used up by a few
 *       uploads to a stalled backend, and every other stream of the connection would stop with them);
 *   <li>rapid reset (CVE-2023-44487): more than {@value #MAX_RESETS} RST_STREAM frames from a client in
 *       {@value #RESET_WINDOW_SECONDS} s closes its connection with GOAWAY ENHANCE_YOUR_CALM;
 *   <li>{@value #MAX_EMPTY_DATA_FRAMES} consecutive empty DATA frames close the connection (CVE-2019-9518);
 *       at most {@value #MAX_QUEUED_CONTROL_FRAMES} control frames (PING and SETTINGS acks, RST_STREAM)
 *       queued for a client that does not read (CVE-2019-9512, -9514, -9515);
 *   <li>the connection closes after {@code serai.client.idle-timeout} without a frame while no stream is open;
 *   <li>a stream whose request body stops coming for {@code serai.client.idle-timeout} is reset
 *       ({@link Http2StreamBodyIdle});
 *   <li>a graceful shutdown sends GOAWAY and closes each connection when its open streams have finished
 *       (serai.shutdown.timeout bounds the wait).
 * </ul>
 */
final class Http2Pipeline {

    static final int MAX_RESETS = 200;
    static final int RESET_WINDOW_SECONDS = 30;
    static final int MAX_EMPTY_DATA_FRAMES = 2;
    static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;

    private final ProxySettings settings;
    private final Http2EdgeSettings http2;
    private final ListenerDrain drain;
    private final ChannelHandler streams;

    /** {@code httpHandlers} adds the HTTP-level handlers to a stream's pipeline. */
    Http2Pipeline(
            ProxySettings settings,
            Http2EdgeSettings http2,
            ListenerDrain drain,
            Consumer<ChannelPipeline> httpHandlers) {
        this.settings = settings;
        this.http2 = http2;
        this.drain = drain;
        this.streams = new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                ChannelPipeline p = stream.pipeline();
                p.addLast("h2-authority", Http2RequestHeads.AUTHORITY);
                p.addLast("h2-http", new Http2StreamFrameToHttpObjectCodec(true));
                p.addLast("h2-extension-headers", Http2RequestHeads.EXTENSION_HEADERS);
                p.addLast(
                        "h2-body-idle",
                        new Http2StreamBodyIdle(settings.clientIdleTimeout().toMillis()));
                httpHandlers.accept(p);
            }
        };
    }

    /** Replaces every handler after {@code ctx}'s (the HTTP/1.1 ones) by HTTP/2's. */
    void replaceAfter(ChannelHandlerContext ctx) {
        ChannelPipeline p = ctx.pipeline();
        List<String> after = new ArrayList<>();
        boolean seen = false;
        for (String name : p.names()) {
            if (seen && p.get(name) != null) {
                after.add(name);
            }
            seen |= name.equals(ctx.name());
        }
        after.forEach(p::remove);
        p.addLast("h2-continuations", new ContinuationLimit());
        p.addLast("h2", codec());
        p.addLast(
                "h2-idle", new Http2IdleConnection(settings.clientIdleTimeout().toMillis()));
        p.addLast("h2-streams", new Http2MultiplexHandler(streams));
        p.addLast("h2-errors", Http2ConnectionErrors.INSTANCE);
        long connectionWindow =
                Math.min(Integer.MAX_VALUE, (long) settings.streamWindow() * http2.maxConcurrentStreams());
        int increment = (int) connectionWindow - Http2CodecUtil.DEFAULT_WINDOW_SIZE;
        if (increment > 0) {
            // Frame codec: a window update without a stream widens the connection's window.
            p.writeAndFlush(new DefaultHttp2WindowUpdateFrame(increment));
        }
        drain.http2Connection(ctx.channel());
    }

    private Http2FrameCodec codec() {
        Http2Settings initial = Http2Settings.defaultSettings()
                .maxConcurrentStreams(http2.maxConcurrentStreams())
                .maxHeaderListSize(settings.maxHeader())
                .initialWindowSize(settings.streamWindow());
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(initial)
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(MAX_RESETS, RESET_WINDOW_SECONDS)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_EMPTY_DATA_FRAMES)
                .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                // GOAWAY, then wait for the open streams: Serai's shutdown timeout bounds the wait.
                .gracefulShutdownTimeoutMillis(-1)
                .build();
        // Netty applies its own SETTINGS when the client acknowledges them: one that never does would open
        // streams without limit. Serai's limit holds from the start (a stream refused early may be retried).
        codec.connection().remote().maxActiveStreams(http2.maxConcurrentStreams());
        return codec;
    }
}
