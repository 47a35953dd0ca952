package io.serai.ingress;

import io.netty.handler.ssl.ClientAuth;
import io.serai.security.tls.TlsSettings;

import java.util.Map;

/**
 * A listener's ({@code from:}) edge options beyond Camel's: {@code proxyProtocol=true} expects a PROXY
 * protocol header on every connection ({@link ProxyProtocol}); {@code tlsClientCa} (a PEM CA bundle) and
 * {@code tlsClientAuth} ({@code none}, {@code optional}, {@code required}) ask an {@code https://}
 * listener's clients for certificates, over {@code serai.tls.client-ca} and {@code serai.tls.client-auth}.
 * They are options of the listening address: every route on one address must give the same ones.
 */
public record ListenerOptions(boolean proxyProtocol, String tlsClientCa, ClientAuth tlsClientAuth) {

    public static final ListenerOptions NONE = new ListenerOptions(false, null, null);

    static final String PROXY_PROTOCOL = "proxyProtocol";
    static final String TLS_CLIENT_CA = "tlsClientCa";
    static final String TLS_CLIENT_AUTH = "tlsClientAuth";

    /** Takes these options out of an endpoint's parameters; a bad value fails the route. */
    public static ListenerOptions take(Map<String, Object> parameters) {
        Object proxy = parameters.remove(PROXY_PROTOCOL);
        boolean proxyProtocol = false;
        if (proxy != null) {
            String v = proxy.toString().trim();
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(
                        "netty-http option " + PROXY_PROTOCOL + "=" + v + " is invalid: expected true or false");
            }
            proxyProtocol = Boolean.parseBoolean(v);
        }
        Object ca = parameters.remove(TLS_CLIENT_CA);
        Object auth = parameters.remove(TLS_CLIENT_AUTH);
        String clientCa =
                ca == null || ca.toString().isBlank() ? null : ca.toString().trim();
        ClientAuth clientAuth =
                TlsSettings.clientAuth("netty-http option " + TLS_CLIENT_AUTH, auth == null ? null : auth.toString());
        if (!proxyProtocol && clientCa == null && clientAuth == null) {
            return NONE;
        }
        return new ListenerOptions(proxyProtocol, clientCa, clientAuth);
    }

    /** True when the route set any of the options. */
    public boolean any() {
        return proxyProtocol || tlsClientCa != null || tlsClientAuth != null;
    }

    /** True when the route set an option about client certificates. */
    public boolean clientCertificates() {
        return tlsClientCa != null || tlsClientAuth != null;
    }
}
