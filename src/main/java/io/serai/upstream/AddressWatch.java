package io.serai.upstream;

import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolver;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every address of one backend's name (its A and AAAA records), looked up again as the records' TTLs run
 * out, for a member with {@code resolve=all}. A change is handed on whole; a failed lookup keeps the
 * addresses known (a DNS outage must not empty a load balancer), as Envoy's STRICT_DNS clusters do.
 */
public final class AddressWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AddressWatch.class);
    private static final Comparator<InetAddress> BY_BYTES = Comparator.<InetAddress>comparingInt(
                    a -> a.getAddress().length)
            .thenComparing(InetAddress::getAddress, Arrays::compareUnsigned);

    private final UpstreamTarget target;
    private final AddressResolver<InetSocketAddress> resolver;
    private final java.util.function.Consumer<List<InetAddress>> onChange;
    private volatile List<InetAddress> addresses = List.of();
    private volatile ScheduledFuture<?> refresh;
    private volatile boolean failing;

    private AddressWatch(
            UpstreamTarget target,
            AddressResolver<InetSocketAddress> resolver,
            java.util.function.Consumer<List<InetAddress>> onChange) {
        this.target = target;
        this.resolver = resolver;
        this.onChange = onChange;
    }

    static AddressWatch start(
            UpstreamTarget target,
            EventLoop loop,
            AddressResolver<InetSocketAddress> resolver,
            Duration every,
            Duration firstWait,
            java.util.function.Consumer<List<InetAddress>> onChange) {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("the first lookup of " + target + " would block an event loop");
        }
        AddressWatch watch = new AddressWatch(target, resolver, onChange);
        Future<List<InetSocketAddress>> first = watch.lookUp();
        if (first.awaitUninterruptibly(firstWait.toMillis()) && first.isSuccess()) {
            watch.addresses = sorted(first.getNow());
            LOG.info("{}: resolve=all found {}", target, names(watch.addresses));
        } else {
            watch.failing = true;
            LOG.warn(
                    "{}: resolve=all found no address yet ({}); looking again every {} ms",
                    target,
                    first.cause() == null ? "no answer within " + firstWait.toMillis() + " ms" : first.cause(),
                    every.toMillis());
        }
        watch.refresh =
                loop.scheduleWithFixedDelay(watch::refresh, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    /** The addresses known now, sorted; empty until a lookup succeeded. */
    public List<InetAddress> addresses() {
        return addresses;
    }

    private Future<List<InetSocketAddress>> lookUp() {
        return resolver.resolveAll(InetSocketAddress.createUnresolved(target.host(), target.port()));
    }

    private void refresh() {
        lookUp().addListener(done -> {
            if (refresh == null || refresh.isCancelled()) {
                return;
            }
            if (!done.isSuccess()) {
                if (!failing) {
                    LOG.warn(
                            "{}: resolve=all lookup failed ({}); keeping its {} addresses",
                            target,
                            done.cause().toString(),
                            addresses.size());
                }
                failing = true;
                return;
            }
            failing = false;
            @SuppressWarnings("unchecked")
            List<InetAddress> now = sorted((List<InetSocketAddress>) done.getNow());
            if (!now.equals(addresses)) {
                LOG.info("{}: resolve=all addresses changed from {} to {}", target, names(addresses), names(now));
                addresses = now;
                onChange.accept(now);
            }
        });
    }

    private static List<InetAddress> sorted(List<InetSocketAddress> found) {
        return found.stream()
                .map(InetSocketAddress::getAddress)
                .distinct()
                .sorted(BY_BYTES)
                .toList();
    }

    private static List<String> names(List<InetAddress> addresses) {
        return addresses.stream().map(InetAddress::getHostAddress).toList();
    }

    @Override
    public void close() {
        ScheduledFuture<?> r = refresh;
        if (r != null) {
            r.cancel(false);
        }
    }
}
