package io.serai.admin;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The {@code Host} values that name a loopback admin listener: {@code localhost}, {@code serai.admin.host}
 * as written and the addresses it resolves to, each with or without the listener's port. A page of
 * another site that rebinds its own name to 127.0.0.1 (DNS rebinding) still sends its own name as
 * {@code Host}, so checking it keeps such pages from reading or purging through a browser on this machine.
 */
final class ListenerHostNames {

    private final String name;
    private final List<byte[]> addresses = new ArrayList<>();
    private final int port;

    ListenerHostNames(String host, int port) {
        this.name = AdminSettings.unbracketed(host).toLowerCase(Locale.ROOT);
        this.port = port;
        try {
            for (InetAddress address : InetAddress.getAllByName(name)) {
                addresses.add(address.getAddress());
            }
        } catch (UnknownHostException e) {
            // Then only the name as written and localhost match; the listener would not bind anyway.
        }
    }

    /** Whether {@code host} (a {@code Host} field value) names this listener. */
    boolean names(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        String hostPart;
        String portPart = null;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return false;
            }
            hostPart = h.substring(1, close);
            String rest = h.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return false;
                }
                portPart = rest.substring(1);
            }
        } else {
            int colon = h.lastIndexOf(':');
            hostPart = colon < 0 ? h : h.substring(0, colon);
            portPart = colon < 0 ? null : h.substring(colon + 1);
        }
        if (portPart != null && !portPart.equals(String.valueOf(port))) {
            return false;
        }
        if (hostPart.equals("localhost") || hostPart.equals(name)) {
            return true;
        }
        // Only an address literal is compared by its bytes (127.0.0.1 and ::1 have several spellings);
        // a name is never resolved here, so a request cannot make Serai look anything up.
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(hostPart);
        if (literal == null) {
            return false;
        }
        for (byte[] address : addresses) {
            if (Arrays.equals(address, literal)) {
                return true;
            }
        }
        return false;
    }
}
