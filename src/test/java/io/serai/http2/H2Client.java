package io.serai.http2;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * Netty's HTTP/2 client (frame codec and stream multiplexer), by prior knowledge, one connection: each
 * {@link #send} opens a stream on it and completes with the stream's response or reset.
 */
final class H2Client implements AutoCloseable {

    /** A stream's end: its status, headers and body, or the error it was reset with (status -1). */
    record Response(int status, Http2Headers headers, byte[] body, Http2Error reset) {
        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel connection;
    private final int port;

    private H2Client(int port) throws InterruptedException {
        this.port = port;
        this.connection = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(Http2FrameCodecBuilder.forClient().build())
                                .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect("127.0.0.1", port)
                .sync()
                .channel();
    }

    static H2Client connect(int port) throws InterruptedException {
        return new H2Client(port);
    }

    Http2Headers request(String method, String path) {
        return new DefaultHttp2Headers()
                .method(method)
                .scheme("http")
                .path(path)
                .authority("127.0.0.1:" + port);
    }

    CompletableFuture<Response> send(Http2Headers headers, byte[] body) {
        CompletableFuture<Response> done = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                .handler(new Collector(done))
                .open()
                .syncUninterruptibly()
                .getNow();
        stream.write(new DefaultHttp2HeadersFrame(headers, body == null));
        if (body != null) {
            stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
        }
        stream.flush();
        return done;
    }

    boolean isOpen() {
        return connection.isActive();
    }

    @Override
    public void close() throws IOException {
        connection.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Collector extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Response> done;
        private final ByteBuf body = Unpooled.buffer();
        private Http2Headers head;

        Collector(CompletableFuture<Response> done) {
            this.done = done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame frame) {
                if (head == null
                        || frame.headers().status() != null && head.status().charAt(0) == '1') {
                    head = frame.headers();
                }
                if (frame.isEndStream()) {
                    finish(null);
                }
            } else if (msg instanceof Http2DataFrame frame) {
                body.writeBytes(frame.content());
                boolean end = frame.isEndStream();
                frame.release();
                if (end) {
                    finish(null);
                }
            } else if (msg instanceof Http2ResetFrame reset) {
                finish(Http2Error.valueOf(reset.errorCode()));
            }
        }

        private void finish(Http2Error reset) {
            if (done.isDone()) {
                return;
            }
            byte[] bytes = ByteBufUtil.getBytes(body);
            body.release();
            int status = reset == null && head != null
                    ? Integer.parseInt(head.status().toString())
                    : -1;
            done.complete(new Response(status, head, bytes, reset));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!done.isDone()) {
                done.completeExceptionally(new IOException("stream closed before its end"));
            }
        }
    }
}
