package io.serai.ingress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.serai.http.body.BodyStream;
import io.serai.http.body.ClientStalledException;
import io.serai.http.grpc.GrpcWebBodies;
import io.serai.websocket.Tunnel;

import java.util.concurrent.TimeUnit;

/**
 * Writes a {@link StreamedResponse}: its head, then each chunk as it arrives, flushed at once (a
 * server-sent event reaches the client when the backend sends it), with the backend's reading paused
 * while the client has not taken what was written. The write Camel asked for completes with the last
 * chunk, so whatever waits for the response (closing a connection, the next pipelined request) waits for
 * all of it. A body that fails midway leaves the client a truncated response on a closed connection;
 * a client that leaves stops the backend at once; a client that takes nothing for
 * {@code serai.client.write-timeout} is closed. A WebSocket handshake's 101 ({@link UpgradeResponse}) turns
 * the connection into its tunnel. For a gRPC-Web client the chunks become gRPC-Web's and the trailers the
 * body's last frame ({@link StreamedResponse#grpcWeb}).
 */
final class ResponseStreamWriter extends ChannelOutboundHandlerAdapter {

    private final long writeTimeoutMillis;
    private final ListenerDrain drain;

    ResponseStreamWriter(long writeTimeoutMillis, ListenerDrain drain) {
        this.writeTimeoutMillis = writeTimeoutMillis;
        this.drain = drain;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof UpgradeResponse upgrade) {
            switchToTunnel(ctx, upgrade, promise);
            return;
        }
        if (!(msg instanceof StreamedResponse response)) {
            ctx.write(msg, promise);
            return;
        }
        BodyStream body = response.body();
        // Camel counts the exchange done at the head: a graceful shutdown waits for the body too.
        drain.responseStarted();
        body.whenDone(drain::responseEnded);
        ctx.writeAndFlush(new DefaultHttpResponse(response.protocolVersion(), response.status(), response.headers()));
        ChannelFutureListener clientGone = closed -> body.cancel();
        ctx.channel().closeFuture().addListener(clientGone);
        // Once the body is done (whole, failed or cancelled), the connection's close no longer concerns it.
        body.whenDone(() -> ctx.channel().closeFuture().removeListener(clientGone));
        body.attach(new ClientSink(ctx, promise, body, response.grpcWeb()));
    }

    /**
     * Writes a 101 and hands the connection to its tunnel. The tunnel's reader goes in ahead of the HTTP
     * decoder before the 101 leaves, so that nothing the client sends after it is read as a request; the
     * relay starts once the 101 is written (the backend's first bytes are held until then).
     */
    private static void switchToTunnel(ChannelHandlerContext ctx, UpgradeResponse upgrade, ChannelPromise promise) {
        Tunnel tunnel = upgrade.tunnel();
        ctx.pipeline().addBefore(ProxyServerInitializerFactory.FIRST_HTTP_HANDLER, "websocket", tunnel.clientHandler());
        ChannelPromise written = promise.unvoid();
        written.addListener(f -> {
            if (f.isSuccess()) {
                tunnel.start();
            } else {
                tunnel.close();
            }
        });
        ctx.writeAndFlush(upgrade, written);
    }

    /** The client's connection as a body's sink. */
    private final class ClientSink implements BodyStream.Sink {
        private final ChannelHandlerContext ctx;
        private final ChannelPromise done;
        private final BodyStream body;
        private final GrpcWebBodies.Response grpcWeb;
        private int unwritten;
        private ScheduledFuture<?> stall;

        ClientSink(ChannelHandlerContext ctx, ChannelPromise done, BodyStream body, GrpcWebBodies.Response grpcWeb) {
            this.ctx = ctx;
            this.done = done;
            this.body = body;
            this.grpcWeb = grpcWeb;
        }

        @Override
        public ChannelFuture write(ByteBuf given) {
            // in the order the body gives them: base64 carries part of a group from one chunk to the next
            ByteBuf chunk = grpcWeb == null ? given : grpcWeb.chunk(given, ctx.alloc());
            ChannelPromise written = ctx.newPromise();
            written.addListener(f -> onLoop(this::written));
            onLoop(() -> {
                unwritten++;
                if (stall == null && writeTimeoutMillis > 0) {
                    stall = ctx.executor().schedule(this::stalled, writeTimeoutMillis, TimeUnit.MILLISECONDS);
                }
                ctx.writeAndFlush(new DefaultHttpContent(chunk), written);
            });
            return written;
        }

        private void written() {
            unwritten--;
            if (stall != null) {
                stall.cancel(false);
                stall = unwritten > 0 && writeTimeoutMillis > 0
                        ? ctx.executor().schedule(this::stalled, writeTimeoutMillis, TimeUnit.MILLISECONDS)
                        : null;
            }
        }

        private void stalled() {
            stall = null;
            // The client has taken nothing for the write timeout: it is not reading.
            body.cancel(new ClientStalledException(writeTimeoutMillis));
            ctx.close();
        }

        @Override
        public void end() {
            onLoop(() -> {
                if (stall != null) {
                    stall.cancel(false);
                    stall = null;
                }
            });
            // The backend's trailers, if any, go in the last chunk (a trailing HEADERS frame on HTTP/2). A response
            // framed by Content-Length to an HTTP/1.1 client has no trailer section: Netty's encoder drops them.
            HttpHeaders trailers = body.trailers();
            if (grpcWeb != null) {
                // gRPC-Web: the trailers are the body's last frame, never HTTP trailers (PROTOCOL-WEB.md).
                ctx.writeAndFlush(new DefaultLastHttpContent(grpcWeb.end(trailers, ctx.alloc())), done);
                return;
            }
            ctx.writeAndFlush(
                    trailers.isEmpty()
                            ? LastHttpContent.EMPTY_LAST_CONTENT
                            : new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers),
                    done);
        }

        @Override
        public void abort(Throwable cause) {
            onLoop(() -> {
                if (stall != null) {
                    stall.cancel(false);
                    stall = null;
                }
                // Without its last chunk (or short of its Content-Length), on a closed connection: the client
                // sees a truncated response, never a complete one. The write Camel asked for is done: the
                // failure is logged once and counted by kind where the request ends (RequestMetrics), not
                // as Camel's "Cannot write response" warning with a stack trace.
                ctx.close();
                done.trySuccess();
            });
        }

        private void onLoop(Runnable task) {
            if (ctx.executor().inEventLoop()) {
                task.run();
            } else {
                ctx.executor().execute(task);
            }
        }
    }
}
