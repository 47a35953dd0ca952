import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What one schedule + cancel costs on a Netty event loop that holds 256 other timers (one per connection). */
public class TimerChurn {
    public static void main(String[] a) throws Exception {
        NioEventLoopGroup g = new NioEventLoopGroup(1);
        EventLoop loop = g.next();
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            for (int i = 0; i < 256; i++) loop.schedule(() -> {}, 30 + i, TimeUnit.SECONDS);
            for (int round = 0; round < 6; round++) {
                int n = 2_000_000;
                long t = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    ScheduledFuture<?> f = loop.schedule(() -> {}, 60_000 + (i & 1023), TimeUnit.MILLISECONDS);
                    f.cancel(false);
                }
                System.out.printf("schedule + cancel: %.0f ns%n", (System.nanoTime() - t) / (double) n);
            }
            done.complete(null);
        });
        done.get();
        g.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
}
