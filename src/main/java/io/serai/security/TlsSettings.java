package io.serai.security;

import io.serai.config.SettingValues;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The {@code serai.tls.*} settings for listeners whose URI says {@code https://}: the default
 * certificate chain and key (PEM), more pairs chosen by SNI from their certificates' names, and how
 * often the files are checked for a rotation.
 */
public record TlsSettings(Path cert, Path key, List<Path[]> extra, Duration reloadInterval) {

    public static TlsSettings from(UnaryOperator<String> lookup) {
        String cert = lookup.apply("serai.tls.cert");
        String key = lookup.apply("serai.tls.key");
        List<Path[]> extra = new ArrayList<>();
        String more = lookup.apply("serai.tls.sni-certs");
        if (more != null && !more.isBlank()) {
            for (String pair : more.split(",")) {
                String[] parts = pair.trim().split(":");
                if (parts.length != 2) {
                    throw new IllegalArgumentException("serai.tls.sni-certs: \"" + pair.trim()
                            + "\" is not cert.pem:key.pem");
                }
                extra.add(new Path[] {Path.of(parts[0].trim()), Path.of(parts[1].trim())});
            }
        }
        Duration interval = SettingValues.duration("serai.tls.reload-interval",
                SettingValues.orDefault(lookup, "serai.tls.reload-interval", "5s"));
        return new TlsSettings(blank(cert) ? null : Path.of(cert.trim()), blank(key) ? null : Path.of(key.trim()),
                List.copyOf(extra), interval);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    public boolean configured() {
        return cert != null && key != null;
    }
}
