package io.serai.security.upstream;

import io.netty.util.NetUtil;

import javax.net.ssl.SNIHostName;
import java.nio.file.Path;
import java.util.Map;

/**
 * How Serai speaks TLS to one {@code https://} backend: the CA bundle its certificate is verified
 * against (null: the JDK's trust store), the client certificate chain and key Serai presents (null:
 * none), and the name sent as SNI and verified in the certificate (null: the backend's host). A
 * backend's {@code to:} URI sets these with {@code tlsCa}, {@code tlsClientCert}, {@code tlsClientKey}
 * and {@code tlsServerName}; what it leaves unset comes from {@code serai.upstream.tls.*}. Backends with
 * equal values share an SSL context and may share pooled connections; different values never do.
 */
public record BackendTls(Path ca, Path clientCert, Path clientKey, String serverName) {

    public static final BackendTls NONE = new BackendTls(null, null, null, null);

    static final String CA_OPTION = "tlsCa";
    static final String CLIENT_CERT_OPTION = "tlsClientCert";
    static final String CLIENT_KEY_OPTION = "tlsClientKey";
    static final String SERVER_NAME_OPTION = "tlsServerName";

    /** Takes a backend's own TLS options out of its endpoint's parameters; a bad value fails the route. */
    public static BackendTls take(Map<String, Object> parameters) {
        Path ca = path(parameters.remove(CA_OPTION));
        Path cert = path(parameters.remove(CLIENT_CERT_OPTION));
        Path key = path(parameters.remove(CLIENT_KEY_OPTION));
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("netty-http options " + CLIENT_CERT_OPTION + " and " + CLIENT_KEY_OPTION
                    + " go together: set both or neither");
        }
        Object name = parameters.remove(SERVER_NAME_OPTION);
        String serverName = name == null || name.toString().isBlank()
                ? null
                : name.toString().trim();
        if (serverName != null && !isIpAddress(serverName)) {
            try {
                new SNIHostName(serverName);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("netty-http option " + SERVER_NAME_OPTION + "=" + serverName
                        + " is invalid: expected a host name such as api.internal.example");
            }
        }
        if (ca == null && cert == null && serverName == null) {
            return NONE;
        }
        return new BackendTls(ca, cert, key, serverName);
    }

    /** True when the route set any of the options. */
    public boolean any() {
        return ca != null || clientCert != null || serverName != null;
    }

    /** These options, each unset one taken from {@code settings}. */
    BackendTls withDefaults(UpstreamTlsSettings settings) {
        boolean ownClient = clientCert != null;
        return new BackendTls(
                ca != null ? ca : settings.ca(),
                ownClient ? clientCert : settings.clientCert(),
                ownClient ? clientKey : settings.clientKey(),
                serverName);
    }

    /** The files only: what decides the SSL context. */
    BackendTls files() {
        return serverName == null ? this : new BackendTls(ca, clientCert, clientKey, null);
    }

    static boolean isIpAddress(String host) {
        return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    }

    private static Path path(Object value) {
        return value == null || value.toString().isBlank()
                ? null
                : Path.of(value.toString().trim());
    }
}
