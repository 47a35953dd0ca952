package io.serai.support;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP/2 backend on a loopback ephemeral port, on Netty's HTTP/2 codec: cleartext with prior knowledge
 * ({@link #start}) or TLS offering only {@code h2} by ALPN ({@link #startTls}). It records every request (target,
 * fields with the pseudo-headers, body, and the number of the connection it came on) and answers 200 with the
 * request's body, {@code x-backend} its name and, when set, {@link #trailers}. It can {@link #download} a large
 * body within the flow-control window, hold request bodies unread ({@link #holdRequestBodies}), send
 * {@link #goAway}, and {@link #close} as a crashed process does: listener and every connection reset at once.
 * <p>
 * Long because: one fixture with its modes (TLS, trailers, held uploads, downloads, GOAWAY, crash) and its records.
 */
public final class Http2Backend implements AutoCloseable {

    private static final int KEEP_BODY_UP_TO = 1024 * 1024;

    private final String name;
    private final boolean tls;
    private final EventLoopGroup loops = new NioEventLoopGroup(1);
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<Channel> connections = new CopyOnWriteArrayList<>();
    private final List<Http2StreamChannel> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger toRefuse = new AtomicInteger();
    private final AtomicLong bodyBytesReceived = new AtomicLong();
    private final AtomicLong bodyBytesSent = new AtomicLong();
    private volatile Map<String, String> trailers = Map.of();
    private volatile String contentType;
    private volatile long download = -1;
    private volatile boolean holdBodies;
    private volatile boolean declareLength;
    private volatile List<String> earlyHints = List.of();
    private volatile CompletableFuture<?> answerGate = CompletableFuture.completedFuture(null);
    private final AtomicBoolean closed = new AtomicBoolean();
    private Channel server;

    private Http2Backend(String name, boolean tls) {
        this.name = name;
        this.tls = tls;
    }

    /** HTTP/2 with prior knowledge (h2c) on 127.0.0.1. */
    public static Http2Backend start(String name) throws InterruptedException {
        return new Http2Backend(name, false).listen(null, 0);
    }

    /** On a given port, e.g. one a crashed backend had. */
    public static Http2Backend start(String name, int port) throws InterruptedException {
        return new Http2Backend(name, false).listen(null, port);
    }

    /** HTTP/2 over TLS with {@code certificate}, offering only {@code h2} by ALPN. */
    public static Http2Backend startTls(String name, TestCertificates.Issued certificate) throws Exception {
        SslContext context = SslContextBuilder.forServer(certificate.key().getPrivate(), certificate.certificate())
                .sslProvider(SslProvider.JDK)
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        "h2"))
                .build();
        return new Http2Backend(name, true).listen(context, 0);
    }

    private Http2Backend listen(SslContext context, int port) throws InterruptedException {
        server = new ServerBootstrap()
                .group(loops)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        int number = accepted.incrementAndGet();
                        connections.add(ch);
                        ch.closeFuture().addListener(f -> connections.remove(ch));
                        if (context != null) {
                            ch.pipeline().addLast(context.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast(Http2FrameCodecBuilder.forServer()
                                        .initialSettings(
                                                Http2Settings.defaultSettings().maxConcurrentStreams(1000))
                                        .build());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel stream) {
                                if (holdBodies) {
                                    stream.config().setAutoRead(false);
                                    held.add(stream);
                                }
                                stream.pipeline().addLast(new Exchange(number));
                            }
                        }));
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                // a client that refused our certificate, or reset: as a server, just close
                                ctx.close();
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .sync()
                .channel();
        return this;
    }

    /** Trailer fields every answer ends with (a trailing HEADERS frame). */
    public Http2Backend trailers(Map<String, String> fields) {
        this.trailers = new LinkedHashMap<>(fields);
        return this;
    }

    /** Answers every request with {@code bytes} of {@link PatternBody}'s pattern instead of the echo. */
    /** Answers with this {@code content-type} (none by default), e.g. {@code application/grpc} to play a gRPC server. */
    public Http2Backend contentType(String type) {
        this.contentType = type;
        return this;
    }

    public Http2Backend download(long bytes) {
        this.download = bytes;
        return this;
    }

    /** Answers declare their length ({@code content-length}); without, their end is the stream's. */
    public Http2Backend declareLength() {
        this.declareLength = true;
        return this;
    }

    /** Streams opened from now on are not read (so not given window) until {@link #releaseRequestBodies}. */
    /**
     * Sends a {@code 103} HEADERS frame for each {@code links} value before every answer, which then waits for
     * {@code gate}: a test that reads the 103s before it completes the gate saw them arrive ahead of the answer.
     */
    public Http2Backend earlyHints(List<String> links, CompletableFuture<?> gate) {
        this.earlyHints = links;
        this.answerGate = gate;
        return this;
    }

    public Http2Backend holdRequestBodies() {
        this.holdBodies = true;
        return this;
    }

    public void releaseRequestBodies() {
        holdBodies = false;
        for (Http2StreamChannel stream : held) {
            stream.eventLoop().execute(() -> stream.config().setAutoRead(true));
        }
        held.clear();
    }

    /** The next {@code n} streams are refused unread (RST_STREAM REFUSED_STREAM), as a backend at its limit does. */
    public Http2Backend refuseStreams(int n) {
        toRefuse.set(n);
        return this;
    }

    /** Tells every open connection GOAWAY (no new streams), leaving them open. */
    public void goAway() {
        for (Channel ch : connections) {
            ch.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
        }
    }

    public List<RecordedRequest> requests() {
        return requests;
    }

    /** Connections accepted since the start. */
    public int connectionCount() {
        return accepted.get();
    }

    public int openConnections() {
        return connections.size();
    }

    public long bodyBytesReceived() {
        return bodyBytesReceived.get();
    }

    /** Bytes of answers' bodies written to the socket (flow control let them go). */
    public long bodyBytesSent() {
        return bodyBytesSent.get();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String hostPort() {
        return "127.0.0.1:" + port();
    }

    /** {@code http://127.0.0.1:<port>}, or {@code https://localhost:<port>} over TLS. */
    public String url() {
        return tls ? "https://localhost:" + port() : "http://" + hostPort();
    }

    /** As a crashed process: the listener and every connection reset, no GOAWAY. Again: nothing. */
    @Override
    public void close() throws InterruptedException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close().sync();
        for (Channel ch : new ArrayList<>(connections)) {
            ch.eventLoop()
                    .submit(() -> {
                        // The peer may have closed it meanwhile: a socket already closed takes no option.
                        if (ch.isOpen()) {
                            try {
                                ch.config().setOption(ChannelOption.SO_LINGER, 0);
                            } catch (io.netty.channel.ChannelException closedMeanwhile) {
                                // closed between the check and the option: nothing left to reset
                            }
                        }
                        ch.unsafe().close(ch.unsafe().voidPromise());
                    })
                    .sync();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** One stream: read the request, then answer. */
    private final class Exchange extends ChannelInboundHandlerAdapter {
        private final int connection;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final PatternBody.Check pattern = new PatternBody.Check();
        private Http2Headers head;
        private long received;

        Exchange(int connection) {
            this.connection = connection;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean end = false;
            if (head == null
                    && msg instanceof Http2HeadersFrame
                    && toRefuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
                return;
            }
            if (msg instanceof Http2HeadersFrame headers) {
                if (head == null) {
                    head = headers.headers();
                }
                end = headers.isEndStream();
            } else if (msg instanceof Http2DataFrame data) {
                int n = data.content().readableBytes();
                received += n;
                bodyBytesReceived.addAndGet(n);
                byte[] bytes = new byte[n];
                data.content().readBytes(bytes);
                pattern.accept(bytes, n);
                if (received <= KEEP_BODY_UP_TO) {
                    body.write(bytes, 0, n);
                }
                end = data.isEndStream();
                data.release();
            }
            if (end) {
                record();
                answer(ctx);
            }
        }

        private void record() {
            List<Map.Entry<String, String>> fields = new ArrayList<>();
            head.forEach(h ->
                    fields.add(Map.entry(h.getKey().toString(), h.getValue().toString())));
            requests.add(new RecordedRequest(
                    head.method().toString(),
                    head.path().toString(),
                    "HTTP/2.0",
                    fields,
                    received <= KEEP_BODY_UP_TO ? body.toByteArray() : new byte[0],
                    connection));
        }

        private void answer(ChannelHandlerContext ctx) {
            List<String> hints = earlyHints;
            if (!hints.isEmpty()) {
                for (String link : hints) {
                    ctx.write(new DefaultHttp2HeadersFrame(
                            new DefaultHttp2Headers().status("103").add("link", link), false));
                }
                ctx.flush();
                answerGate.whenComplete((ok, failed) -> ctx.executor().execute(() -> answerFinal(ctx)));
                return;
            }
            answerFinal(ctx);
        }

        private void answerFinal(ChannelHandlerContext ctx) {
            Http2Headers headers = new DefaultHttp2Headers()
                    .status("200")
                    .add("x-backend", name)
                    .add("x-received-length", String.valueOf(received))
                    .add("x-received-pattern", String.valueOf(received > 0 && pattern.intact()));
            String type = contentType;
            if (type != null) {
                headers.add("content-type", type);
            }
            if (declareLength) {
                headers.addLong("content-length", download >= 0 ? download : body.size());
            }
            ctx.write(new DefaultHttp2HeadersFrame(headers));
            if (download >= 0) {
                new Download(ctx, download).next();
                return;
            }
            ByteBuf content = Unpooled.wrappedBuffer(body.toByteArray());
            bodyBytesSent.addAndGet(content.readableBytes());
            end(ctx, content);
        }

        private void end(ChannelHandlerContext ctx, ByteBuf last) {
            Map<String, String> fields = trailers;
            if (fields.isEmpty()) {
                ctx.writeAndFlush(new DefaultHttp2DataFrame(last, true));
                return;
            }
            ctx.write(new DefaultHttp2DataFrame(last, false));
            Http2Headers t = new DefaultHttp2Headers();
            fields.forEach(t::add);
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(t, true));
        }

        /** A large answer written as the stream stays writable (within Serai's window), counted as it leaves. */
        private final class Download {
            private final ChannelHandlerContext ctx;
            private long left;
            private long offset;

            Download(ChannelHandlerContext ctx, long size) {
                this.ctx = ctx;
                this.left = size;
                ctx.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelWritabilityChanged(ChannelHandlerContext c) {
                        next();
                    }
                });
            }

            void next() {
                while (left > 0 && ctx.channel().isWritable()) {
                    int n = (int) Math.min(16 * 1024, left);
                    byte[] chunk = new byte[n];
                    for (int i = 0; i < n; i++) {
                        chunk[i] = (byte) ((offset + i) % 251);
                    }
                    offset += n;
                    left -= n;
                    ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(chunk), false))
                            .addListener(f -> bodyBytesSent.addAndGet(n));
                }
                if (left == 0) {
                    left = -1;
                    end(ctx, Unpooled.EMPTY_BUFFER);
                }
            }
        }
    }

    @Override
    public String toString() {
        return name + " " + url();
    }
}
