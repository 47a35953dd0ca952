package io.serai.support;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket echo backend on a loopback ephemeral port, on Netty's own WebSocket handlers: every text and
 * binary message comes back as it was sent (messages up to 64 MiB, however they were fragmented); the text
 * {@code "close"} makes it close the connection without a closing handshake, as a crashing backend would.
 * Requests without {@code Upgrade} get {@code 200 plain}. It records every request head, the handshakes it
 * completed and how many WebSocket connections it has open.
 */
public final class WebSocketBackend implements AutoCloseable {

    private static final int MAX_MESSAGE = 64 << 20;

    private final EventLoopGroup loops = new NioEventLoopGroup(1, new DefaultThreadFactory("ws-backend", true));
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final Channel server;

    private WebSocketBackend() throws InterruptedException {
        server = new ServerBootstrap()
                .group(loops)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        new HttpServerCodec(),
                                        new HttpObjectAggregator(1 << 16),
                                        new Recorder(),
                                        new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                                .websocketPath("/")
                                                .checkStartsWith(true)
                                                .maxFramePayloadLength(MAX_MESSAGE)
                                                .handshakeTimeoutMillis(5000)
                                                .build()),
                                        new WebSocketFrameAggregator(MAX_MESSAGE),
                                        new Echo());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
    }

    public static WebSocketBackend start() throws InterruptedException {
        return new WebSocketBackend();
    }

    /** {@code 127.0.0.1:port}, for a {@code to:} URI. */
    public String hostPort() {
        return "127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Every request head as it arrived (the handshakes' included), in order. */
    public List<RecordedRequest> requests() {
        return requests;
    }

    /** WebSocket handshakes completed. */
    public int handshakes() {
        return handshakes.get();
    }

    /** WebSocket connections open now. */
    public int openConnections() {
        return open.get();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Records each request; answers those that do not ask for an upgrade with 200 "plain". */
    private final class Recorder extends SimpleChannelInboundHandler<FullHttpRequest> {
        Recorder() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            List<Map.Entry<String, String>> headers = request.headers().entries();
            requests.add(new RecordedRequest(
                    request.method().name(),
                    request.uri(),
                    request.protocolVersion().text(),
                    headers,
                    new byte[0],
                    0));
            if (!request.headers().contains(HttpHeaderNames.UPGRADE)) {
                request.release();
                FullHttpResponse plain = new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1,
                        HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("plain", StandardCharsets.US_ASCII));
                plain.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 5);
                ctx.writeAndFlush(plain);
                return;
            }
            ctx.fireChannelRead(request);
        }
    }

    /** Sends each message back; "close" closes the connection. */
    private final class Echo extends SimpleChannelInboundHandler<Object> {
        Echo() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object frame) {
            if (frame instanceof TextWebSocketFrame text && text.text().equals("close")) {
                text.release();
                ctx.close();
            } else if (frame instanceof TextWebSocketFrame text) {
                ctx.writeAndFlush(new TextWebSocketFrame(text.content()));
            } else if (frame instanceof BinaryWebSocketFrame binary) {
                ctx.writeAndFlush(new BinaryWebSocketFrame(binary.content()));
            } else {
                io.netty.util.ReferenceCountUtil.release(frame);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                handshakes.incrementAndGet();
                open.incrementAndGet();
                ctx.channel().closeFuture().addListener(f -> open.decrementAndGet());
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
