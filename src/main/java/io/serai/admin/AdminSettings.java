package io.serai.admin;

import io.serai.config.SettingValues;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.UnaryOperator;

/**
 * The {@code serai.admin.*} settings: the operational listener's address (loopback by default, never
 * the traffic port) and the token that write operations need when it is not on loopback.
 */
public record AdminSettings(boolean enabled, String host, int port, String token) {

    public static AdminSettings from(UnaryOperator<String> lookup) {
        boolean enabled = SettingValues.bool("serai.admin.enabled",
                SettingValues.orDefault(lookup, "serai.admin.enabled", "true"));
        String host = SettingValues.orDefault(lookup, "serai.admin.host", "127.0.0.1").trim();
        int port = SettingValues.wholeNumber("serai.admin.port",
                SettingValues.orDefault(lookup, "serai.admin.port", "9090"), 1);
        if (port > 65535) {
            throw new IllegalArgumentException("serai.admin.port: \"" + port + "\" is not a port (1 to 65535)");
        }
        String token = SettingValues.orDefault(lookup, "serai.admin.token", "").trim();
        return new AdminSettings(enabled, host, port, token);
    }

    /** True when only this machine can reach the admin listener. */
    public boolean onLoopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
