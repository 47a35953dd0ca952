package io.serai.http;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of addresses and CIDR blocks, IPv4 and IPv6, as a setting writes them
 * ({@code "10.0.0.0/8, 192.168.1.7, 2001:db8::/32"}), matched with Netty's {@link IpSubnetFilterRule}.
 * Only IP literals are accepted: a host name would need DNS, which an access rule must not depend on.
 */
public final class AddressRules {

    public static final AddressRules NONE = new AddressRules(new IpSubnetFilterRule[0]);

    private final IpSubnetFilterRule[] rules;

    private AddressRules(IpSubnetFilterRule[] rules) {
        this.rules = rules;
    }

    /** Parses {@code value}; {@code setting} names it in the error for a bad entry. Blank: no rules. */
    public static AddressRules parse(String setting, String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        List<IpSubnetFilterRule> parsed = new ArrayList<>();
        for (String entry : value.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            parsed.add(rule(setting, e));
        }
        return new AddressRules(parsed.toArray(new IpSubnetFilterRule[0]));
    }

    private static IpSubnetFilterRule rule(String setting, String entry) {
        int slash = entry.indexOf('/');
        String address = slash < 0 ? entry : entry.substring(0, slash);
        InetAddress ip = NetUtil.createInetAddressFromIpAddressString(address);
        if (ip == null) {
            throw new IllegalArgumentException(setting + ": \"" + entry + "\" is not an IP address or CIDR block"
                    + " (expected e.g. 10.0.0.0/8, 192.168.1.7, 2001:db8::/32 or ::1)");
        }
        int max = ip instanceof Inet4Address ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException(setting + ": \"" + entry + "\" has an invalid prefix length"
                        + " (expected /0 to /" + max + " for an " + (max == 32 ? "IPv4" : "IPv6") + " address)");
            }
        }
        return new IpSubnetFilterRule(ip, prefix, IpFilterRuleType.ACCEPT);
    }

    public boolean isEmpty() {
        return rules.length == 0;
    }

    public boolean matches(InetSocketAddress address) {
        for (IpSubnetFilterRule rule : rules) {
            if (rule.matches(address)) {
                return true;
            }
        }
        return false;
    }
}
