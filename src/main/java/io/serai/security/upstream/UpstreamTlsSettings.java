package io.serai.security.upstream;

import io.serai.settings.SettingValues;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The {@code serai.upstream.tls.*} settings for backends whose URI says {@code https://}: the CA
 * bundle (PEM) their certificates are verified against instead of the JDK's trust store, and the
 * client certificate chain and PKCS#8 key Serai presents to backends that ask for one. A backend's
 * own {@code tlsCa}, {@code tlsClientCert} and {@code tlsClientKey} options take precedence. The files
 * are checked for changes every {@code serai.tls.reload-interval}, as listener certificates are.
 */
public record UpstreamTlsSettings(Path ca, Path clientCert, Path clientKey, Duration reloadInterval) {

    public static final String CA = "serai.upstream.tls.ca";
    public static final String CLIENT_CERT = "serai.upstream.tls.client-cert";
    public static final String CLIENT_KEY = "serai.upstream.tls.client-key";

    public static UpstreamTlsSettings from(UnaryOperator<String> lookup) {
        Path ca = path(lookup.apply(CA));
        Path cert = path(lookup.apply(CLIENT_CERT));
        Path key = path(lookup.apply(CLIENT_KEY));
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException(
                    CLIENT_CERT + " and " + CLIENT_KEY + " go together: set both or neither");
        }
        Duration interval = SettingValues.duration(
                "serai.tls.reload-interval", SettingValues.orDefault(lookup, "serai.tls.reload-interval", "5s"));
        if (interval.isZero()) {
            throw new IllegalArgumentException("Setting serai.tls.reload-interval=0 is invalid: expected more than 0");
        }
        return new UpstreamTlsSettings(ca, cert, key, interval);
    }

    public static UpstreamTlsSettings defaults() {
        return from(key -> null);
    }

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }
}
