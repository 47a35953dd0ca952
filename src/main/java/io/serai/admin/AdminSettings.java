package io.serai.admin;

import io.serai.settings.SettingValues;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.UnaryOperator;

/**
 * The {@code serai.admin.*} settings: the operational listener's address (loopback by default, never
 * the traffic port), the token that its route list, status page and write operations need, and
 * whether {@code /metrics} needs that token too.
 */
public record AdminSettings(boolean enabled, String host, int port, String token, boolean metricsNeedToken) {

    public static AdminSettings from(UnaryOperator<String> lookup) {
        boolean enabled = SettingValues.bool(
                "serai.admin.enabled", SettingValues.orDefault(lookup, "serai.admin.enabled", "true"));
        String host =
                SettingValues.orDefault(lookup, "serai.admin.host", "127.0.0.1").trim();
        int port = SettingValues.wholeNumber(
                "serai.admin.port", SettingValues.orDefault(lookup, "serai.admin.port", "9090"), 1);
        if (port > 65535) {
            throw new IllegalArgumentException("serai.admin.port: \"" + port + "\" is not a port (1 to 65535)");
        }
        String token = SettingValues.orDefault(lookup, "serai.admin.token", "").trim();
        boolean metricsNeedToken = SettingValues.bool(
                "serai.admin.metrics-need-token",
                SettingValues.orDefault(lookup, "serai.admin.metrics-need-token", "false"));
        return new AdminSettings(enabled, host, port, token, metricsNeedToken);
    }

    /**
     * True when only this machine can reach the admin listener: {@code serai.admin.host} is a loopback
     * address or a name that resolves only to loopback addresses. A wildcard ({@code 0.0.0.0}, {@code ::})
     * or a name that does not resolve counts as beyond loopback.
     */
    public boolean onLoopback() {
        try {
            InetAddress[] addresses = InetAddress.getAllByName(unbracketed(host));
            for (InetAddress address : addresses) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return addresses.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public boolean hasToken() {
        return !token.isEmpty();
    }

    static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
