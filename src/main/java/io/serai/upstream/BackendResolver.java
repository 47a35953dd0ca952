package io.serai.upstream;

import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.HostsFileEntriesResolver;
import io.netty.resolver.dns.DefaultDnsCache;
import io.netty.resolver.dns.DefaultDnsCnameCache;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Finds backends' addresses without blocking an event loop: Netty's DNS resolver (UDP, TCP when an answer
 * is truncated) instead of Netty's default, the JDK's InetAddress lookup, which blocks the loop it runs on.
 * Like the JDK it reads /etc/hosts and /etc/resolv.conf (servers, {@code search} and {@code ndots}, as a
 * Kubernetes pod's need); {@link DnsSettings} may name the servers instead. Answers are kept for their
 * records' TTL inside {@code serai.dns.min-ttl} and {@code max-ttl}, in one cache for every event loop.
 * IP literals never reach DNS, nor does {@code localhost} (RFC 6761), even without an /etc/hosts entry.
 */
final class BackendResolver implements AutoCloseable {

    private static final HostsFileEntriesResolver HOSTS_THEN_LOCALHOST = (host, types) -> {
        InetAddress listed = HostsFileEntriesResolver.DEFAULT.address(host, types);
        if (listed == null && isLocalhost(host)) {
            return NetUtil.LOCALHOST;
        }
        return listed;
    };

    private final DnsSettings settings;
    private final DnsAddressResolverGroup group;

    BackendResolver(DnsSettings settings) {
        this.settings = settings;
        int min = (int) settings.minTtl().toSeconds();
        int max = (int) Math.min(Integer.MAX_VALUE, settings.maxTtl().toSeconds());
        DnsNameResolverBuilder builder = new DnsNameResolverBuilder()
                .datagramChannelType(NioDatagramChannel.class)
                .socketChannelType(NioSocketChannel.class)
                .resolveCache(new DefaultDnsCache(min, max, min))
                .cnameCache(new DefaultDnsCnameCache(min, max))
                .queryTimeoutMillis(settings.queryTimeout().toMillis())
                .hostsFileEntriesResolver(HOSTS_THEN_LOCALHOST);
        if (!settings.servers().isEmpty()) {
            builder.nameServerProvider(new SequentialDnsServerAddressStreamProvider(settings.servers()));
        }
        this.group = new DnsAddressResolverGroup(builder);
    }

    /** What a Bootstrap resolves its unresolved remote address with, on the channel's own event loop. */
    AddressResolverGroup<InetSocketAddress> group() {
        return group;
    }

    /**
     * Watches every address of {@code target}'s host from {@code loop}, as its records' TTLs allow: the
     * first lookup waits on the calling thread, which must not be an event loop.
     */
    AddressWatch watch(UpstreamTarget target, EventLoop loop, Consumer<List<InetAddress>> onChange) {
        // Asking the cache every min-ttl costs nothing until the answer expires; only then is DNS asked.
        Duration every = settings.minTtl();
        Duration firstWait = settings.queryTimeout().multipliedBy(2);
        return AddressWatch.start(target, loop, group.getResolver(loop), every, firstWait, onChange);
    }

    private static boolean isLocalhost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.equals("localhost") || h.endsWith(".localhost");
    }

    @Override
    public void close() {
        group.close();
    }
}
