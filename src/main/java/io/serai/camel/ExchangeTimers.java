package io.serai.camel;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.NettyConstants;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Timers for one request: a request that waits (for a cache leader, a balancer slot, a retry's backoff)
 * resumes on the event loop of the client connection it came in on, where the rest of its route runs.
 * An exchange without a connection (a {@code direct:} route, a test) resumes on the context's shared
 * {@code serai-timers} scheduler ({@link SharedSchedulers}).
 */
public final class ExchangeTimers {

    static final String FALLBACK = "serai-timers";

    private ExchangeTimers() {}

    /**
     * Runs {@code task} once after {@code delay}; cancel the answer when the wait ends otherwise. While
     * Serai stops and no timer is left, runs it at once and answers null.
     */
    public static ScheduledFuture<?> schedule(Exchange exchange, long delay, TimeUnit unit, Runnable task) {
        EventLoop loop = eventLoop(exchange);
        if (loop != null && !loop.isShuttingDown()) {
            try {
                return loop.schedule(task, delay, unit);
            } catch (RejectedExecutionException shuttingDown) {
                // the connection's loop is closing: the request still gets its answer below
            }
        }
        try {
            return SharedSchedulers.of(exchange.getContext(), FALLBACK).schedule(task, delay, unit);
        } catch (RejectedExecutionException stopping) {
            // Serai is stopping and its timer thread is gone: the request still gets its answer, now.
            task.run();
            return null;
        }
    }

    /**
     * Runs {@code task} once {@code future} completes, on the exchange's event loop (or the timer thread),
     * never on the thread that completed it (a client library's I/O thread, such as Lettuce's).
     */
    public static void whenDone(Exchange exchange, java.util.concurrent.CompletionStage<?> future, Runnable task) {
        future.whenComplete((value, failure) -> schedule(exchange, 0, TimeUnit.MILLISECONDS, task));
    }

    /** The event loop of the client connection {@code exchange} came in on, or null without one. */
    public static EventLoop eventLoop(Exchange exchange) {
        Object ctx = exchange.getMessage().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT);
        if (ctx == null) {
            ctx = exchange.getIn().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT);
        }
        return ctx instanceof ChannelHandlerContext handler ? handler.channel().eventLoop() : null;
    }
}
