package io.serai.upstream;

import io.netty.util.NetUtil;
import io.serai.settings.SettingValues;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The {@code serai.dns.*} settings of the resolver that finds backends' addresses: the DNS servers to
 * ask ({@code servers}, empty for those of /etc/resolv.conf), the bounds on how long an answer is kept
 * ({@code minTtl}, {@code maxTtl}: a record's own TTL inside them; a failed lookup is kept {@code minTtl})
 * and how long one query may take ({@code queryTimeout}).
 */
public record DnsSettings(List<InetSocketAddress> servers, Duration minTtl, Duration maxTtl, Duration queryTimeout) {

    public static final String SERVERS = "serai.dns.servers";
    public static final String MIN_TTL = "serai.dns.min-ttl";
    public static final String MAX_TTL = "serai.dns.max-ttl";
    public static final String QUERY_TIMEOUT = "serai.dns.query-timeout";

    public static DnsSettings from(UnaryOperator<String> lookup) {
        Duration min = SettingValues.duration(MIN_TTL, SettingValues.orDefault(lookup, MIN_TTL, "1s"));
        Duration max = SettingValues.duration(MAX_TTL, SettingValues.orDefault(lookup, MAX_TTL, "60s"));
        if (min.toSeconds() < 1 || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("Settings " + MIN_TTL + "=" + min.toSeconds() + "s and " + MAX_TTL + "="
                    + max.toSeconds() + "s are invalid: expected 1s <= " + MIN_TTL + " <= " + MAX_TTL);
        }
        Duration query = SettingValues.duration(QUERY_TIMEOUT, SettingValues.orDefault(lookup, QUERY_TIMEOUT, "5s"));
        if (query.toMillis() < 10) {
            throw new IllegalArgumentException("Setting " + QUERY_TIMEOUT + "=" + lookup.apply(QUERY_TIMEOUT)
                    + " is invalid: expected 10ms or more");
        }
        return new DnsSettings(servers(lookup.apply(SERVERS)), min, max, query);
    }

    public static DnsSettings defaults() {
        return from(key -> null);
    }

    /** {@code 10.0.0.10:53,[fd00::a]:5353,10.0.0.11}: IP addresses (a server's name would need DNS), port 53 by default. */
    private static List<InetSocketAddress> servers(String value) {
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String item : SettingValues.list(value)) {
            String host = item;
            int port = 53;
            int colon = item.lastIndexOf(':');
            boolean bracketed = item.startsWith("[");
            if (colon > 0 && (bracketed ? item.charAt(colon - 1) == ']' : item.indexOf(':') == colon)) {
                host = item.substring(0, colon);
                port = SettingValues.wholeNumber(SERVERS + " port of " + item, item.substring(colon + 1), 1);
            }
            if (bracketed) {
                host = host.substring(1, host.length() - 1);
            }
            byte[] ip = NetUtil.createByteArrayFromIpAddressString(host);
            if (ip == null || port > 65535) {
                throw new IllegalArgumentException("Setting " + SERVERS + "=" + value + " is invalid: \"" + item
                        + "\" is not an IP address with an optional port (10.0.0.10:53, [fd00::a]:53)");
            }
            try {
                servers.add(new InetSocketAddress(InetAddress.getByAddress(ip), port));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e); // not thrown for an address of 4 or 16 bytes
            }
        }
        return List.copyOf(servers);
    }
}
