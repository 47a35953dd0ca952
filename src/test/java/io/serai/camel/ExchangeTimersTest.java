package io.serai.camel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ExchangeTimersTest {

    private final CamelContext context = new DefaultCamelContext();
    private final NioEventLoopGroup loops = new NioEventLoopGroup(1);

    @AfterEach
    void stop() throws Exception {
        context.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aRequestsTimerRunsOnTheEventLoopOfItsClientConnection() throws Exception {
        Channel client = new NioSocketChannel();
        client.pipeline().addLast(new ChannelInboundHandlerAdapter());
        loops.register(client).sync();
        Exchange exchange = new DefaultExchange(context);
        exchange.getIn()
                .setHeader(
                        NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT,
                        client.pipeline().firstContext());
        EventLoop loop = client.eventLoop();
        AtomicReference<Boolean> onLoop = new AtomicReference<>();

        ScheduledFuture<?> timer =
                ExchangeTimers.schedule(exchange, 20, TimeUnit.MILLISECONDS, () -> onLoop.set(loop.inEventLoop()));

        assertSame(loop, ExchangeTimers.eventLoop(exchange));
        await().atMost(Duration.ofSeconds(5)).until(timer::isDone);
        assertEquals(Boolean.TRUE, onLoop.get());
        client.close().sync();
    }

    @Test
    void withoutAConnectionTheTimerRunsOnTheContextsSharedCamelThread() {
        Exchange exchange = new DefaultExchange(context);
        AtomicReference<String> thread = new AtomicReference<>();

        ExchangeTimers.schedule(
                exchange,
                20,
                TimeUnit.MILLISECONDS,
                () -> thread.set(Thread.currentThread().getName()));

        await().atMost(Duration.ofSeconds(5)).until(() -> thread.get() != null);
        assertTrue(thread.get().matches("Camel \\(.+\\) thread #\\d+ - " + ExchangeTimers.FALLBACK), thread.get());
    }

    @Test
    void aCancelledTimerNeverRuns() {
        Exchange exchange = new DefaultExchange(context);
        AtomicReference<String> ran = new AtomicReference<>();
        ScheduledFuture<?> timer = ExchangeTimers.schedule(exchange, 100, TimeUnit.MILLISECONDS, () -> ran.set("ran"));

        assertTrue(timer.cancel(false));
        // a later timer on the same single thread has run, so the cancelled one would have run by then
        ScheduledFuture<?> later = ExchangeTimers.schedule(exchange, 200, TimeUnit.MILLISECONDS, () -> {});
        await().atMost(Duration.ofSeconds(5)).until(later::isDone);
        assertNull(ran.get());
    }
}
