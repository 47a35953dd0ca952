package io.serai.security.tls;

import io.netty.handler.ssl.ClientAuth;
import io.serai.settings.SettingValues;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The {@code serai.tls.*} settings for listeners whose URI says {@code https://}: the default
 * certificate chain and key (PEM), more pairs chosen by SNI from their certificates' names, how
 * often the files are checked for a rotation, and the client certificates a listener asks for: the
 * CA bundle they must chain to ({@code clientCa}) and whether one is {@code none}, {@code optional}
 * or {@code required} ({@code clientAuth}; null when not set: required with a CA, none without).
 */
public record TlsSettings(
        Path cert, Path key, List<Path[]> extra, Duration reloadInterval, Path clientCa, ClientAuth clientAuth) {

    public static final String CLIENT_CA = "serai.tls.client-ca";
    public static final String CLIENT_AUTH = "serai.tls.client-auth";

    public static TlsSettings from(UnaryOperator<String> lookup) {
        String cert = lookup.apply("serai.tls.cert");
        String key = lookup.apply("serai.tls.key");
        List<Path[]> extra = new ArrayList<>();
        String more = lookup.apply("serai.tls.sni-certs");
        if (more != null && !more.isBlank()) {
            for (String pair : more.split(",")) {
                String[] parts = pair.trim().split(":");
                if (parts.length != 2) {
                    throw new IllegalArgumentException(
                            "serai.tls.sni-certs: \"" + pair.trim() + "\" is not cert.pem:key.pem");
                }
                extra.add(new Path[] {Path.of(parts[0].trim()), Path.of(parts[1].trim())});
            }
        }
        Duration interval = SettingValues.duration(
                "serai.tls.reload-interval", SettingValues.orDefault(lookup, "serai.tls.reload-interval", "5s"));
        return new TlsSettings(
                path(cert),
                path(key),
                List.copyOf(extra),
                interval,
                path(lookup.apply(CLIENT_CA)),
                clientAuth(CLIENT_AUTH, lookup.apply(CLIENT_AUTH)));
    }

    /**
     * {@code none}, {@code optional} or {@code required} as Netty's {@link ClientAuth}; null when blank.
     * {@code what} names the setting or option in the error for another value.
     */
    public static ClientAuth clientAuth(String what, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> ClientAuth.NONE;
            case "optional" -> ClientAuth.OPTIONAL;
            case "required" -> ClientAuth.REQUIRE;
            default ->
                throw new IllegalArgumentException(
                        what + "=" + value.trim() + " is invalid: expected none, optional or required");
        };
    }

    /**
     * These settings for one listener: its own {@code tlsCert}/{@code tlsKey}, {@code tlsClientCa} and
     * {@code tlsClientAuth} options (each null when the listener does not set it) over the settings.
     */
    public TlsSettings forListener(String ownCert, String ownKey, String ownClientCa, ClientAuth ownClientAuth) {
        boolean ownPair = ownCert != null;
        return new TlsSettings(
                ownPair ? Path.of(ownCert) : cert,
                ownPair ? Path.of(ownKey) : key,
                extra,
                reloadInterval,
                ownClientCa != null ? path(ownClientCa) : clientCa,
                ownClientAuth != null ? ownClientAuth : clientAuth);
    }

    /** Whether client certificates are asked for: as set, else required when there is a CA to verify them. */
    public ClientAuth effectiveClientAuth() {
        if (clientAuth != null) {
            return clientAuth;
        }
        return clientCa != null ? ClientAuth.REQUIRE : ClientAuth.NONE;
    }

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }

    public boolean configured() {
        return cert != null && key != null;
    }
}
