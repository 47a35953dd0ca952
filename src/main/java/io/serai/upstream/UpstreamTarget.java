package io.serai.upstream;

import io.serai.security.upstream.BackendTls;

import java.net.InetSocketAddress;

/**
 * Where a producer sends: the backend's host and port, whether over TLS and with which CA bundle,
 * client certificate and server name ({@code backendTls}, null for plain HTTP), and the endpoint's own
 * path that prefixes what the route forwards. Connections are pooled per target, so backends with
 * different TLS settings never share one.
 */
public record UpstreamTarget(String host, int port, boolean tls, String basePath, BackendTls backendTls) {

    public UpstreamTarget {
        if (!tls) {
            backendTls = null;
        } else if (backendTls == null) {
            backendTls = BackendTls.NONE;
        }
    }

    /** The Host value for this backend, without a default port (RFC 9110 section 7.2). */
    public String authority() {
        boolean defaultPort = (tls && port == 443) || (!tls && port == 80);
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return defaultPort ? h : h + ":" + port;
    }

    /** Resolved at connect time, so a backend's DNS change is seen by new connections. */
    public InetSocketAddress address() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return (tls ? "https://" : "http://") + authority();
    }
}
