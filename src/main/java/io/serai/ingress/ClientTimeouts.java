package io.serai.ingress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.serai.http.ErrorResponses;

import java.util.concurrent.TimeUnit;

/**
 * Client-side timeouts of one connection, by what it is doing: waiting for a request (idle timeout,
 * then close), sending a request header section (header timeout, then 408 and close), sending a body
 * (idle timeout between reads, then close; the backend never sees the partial request), or waiting for
 * its response (no client timeout: the upstream timeout governs). Netty's IdleStateHandler cannot tell
 * a slow client from a client waiting on a slow backend, hence these two small handlers around the
 * decoder sharing one state.
 */
final class ClientTimeouts {

    private enum State {
        IDLE,
        HEADER,
        BODY,
        WAITING_FOR_RESPONSE
    }

    private final long headerMillis;
    private final long idleMillis;
    private State state = State.IDLE;
    private boolean answeredEarly;
    private ScheduledFuture<?> timer;
    private ChannelHandlerContext messages;

    ClientTimeouts(long headerMillis, long idleMillis) {
        this.headerMillis = headerMillis;
        this.idleMillis = idleMillis;
    }

    /** Before the decoder: sees raw bytes, so it knows when a request starts. */
    ChannelInboundHandlerAdapter bytesWatcher() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) throws Exception {
                idle(ctx);
                super.channelActive(ctx);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
                    if (state == State.IDLE) {
                        state = State.HEADER;
                        arm(ctx, headerMillis, () -> requestTimeout(ctx));
                    } else if (state == State.BODY) {
                        arm(ctx, idleMillis, () -> bodyIdle(ctx));
                    }
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                cancel();
                super.channelInactive(ctx);
            }

            @Override
            public void handlerRemoved(ChannelHandlerContext ctx) {
                // The connection turned to HTTP/2, whose own idle timeout takes over.
                cancel();
            }
        };
    }

    /** After the decoder: sees request heads, ends of bodies, and the responses going out. */
    ChannelDuplexHandler messageWatcher() {
        return new ChannelDuplexHandler() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                messages = ctx;
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest) {
                    state = State.BODY;
                    arm(ctx, idleMillis, () -> bodyIdle(ctx));
                }
                if (msg instanceof LastHttpContent && state == State.BODY) {
                    state = State.WAITING_FOR_RESPONSE;
                    cancel();
                    if (answeredEarly) {
                        // The response went out while the body was still coming (full duplex).
                        answeredEarly = false;
                        idle(ctx);
                    }
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                boolean done = msg instanceof LastHttpContent
                        && !(msg instanceof HttpResponse response
                                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL);
                ctx.write(msg, promise);
                if (done) {
                    promise.addListener(f -> {
                        if (state == State.WAITING_FOR_RESPONSE) {
                            idle(ctx);
                        } else if (state == State.BODY) {
                            answeredEarly = true;
                        }
                    });
                }
            }
        };
    }

    /**
     * A gap inside a request body longer than the idle timeout closes the connection, unless Serai itself
     * holds reading back (a body waiting for its backend): that pause is not the client's.
     */
    private void bodyIdle(ChannelHandlerContext ctx) {
        if (!ctx.channel().config().isAutoRead()) {
            arm(ctx, idleMillis, () -> bodyIdle(ctx));
            return;
        }
        ctx.close();
    }

    private void idle(ChannelHandlerContext ctx) {
        state = State.IDLE;
        arm(ctx, idleMillis, ctx::close);
    }

    private void requestTimeout(ChannelHandlerContext ctx) {
        FullHttpResponse response =
                ErrorResponses.plain(408, "request header section not received within serai.client.header-timeout");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // From the message watcher's place, just above the encoder (this handler sits before it): not from the
        // tail, where the compressor and the pipelining order would take the 408 for the answer to a request
        // they never saw. The timer runs only while no response is outstanding.
        messages.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void arm(ChannelHandlerContext ctx, long millis, Runnable onExpiry) {
        cancel();
        timer = ctx.executor().schedule(onExpiry, millis, TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
