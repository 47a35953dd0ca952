package io.serai.upstream;

import io.netty.channel.Channel;
import io.netty.util.NetUtil;
import io.serai.security.upstream.BackendTls;
import io.serai.security.upstream.BackendTlsContexts;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * Where a producer sends: the backend's host and port, whether over TLS and with which CA bundle,
 * client certificate and server name ({@code backendTls}, null for plain HTTP), and the endpoint's own
 * path that prefixes what the route forwards. Connections are pooled per target, so backends with
 * different TLS settings never share one. A target {@link #at} one of its name's addresses ({@code pinned},
 * a member of {@code resolve=all}) connects there, its Host and TLS server name still the name. A target
 * with {@code http2} (the member option {@code protocol=h2}) is reached over HTTP/2: with prior knowledge
 * on {@code http://}, by ALPN on {@code https://}; its own pool, its own probes.
 */
public record UpstreamTarget(
        String host, int port, boolean tls, String basePath, BackendTls backendTls, InetAddress pinned, boolean http2) {

    /** The member option that asks for HTTP/2, and its one value. */
    public static final String PROTOCOL_OPTION = "protocol";

    public static final String H2 = "h2";

    public UpstreamTarget(String host, int port, boolean tls, String basePath, BackendTls backendTls) {
        this(host, port, tls, basePath, backendTls, null, false);
    }

    /**
     * Takes {@code protocol} out of an endpoint's parameters: true for {@code h2}, false when absent; any other
     * value fails the route, naming it ({@code uri}).
     */
    public static boolean takeHttp2(Map<String, Object> parameters, String uri) {
        Object protocol = parameters.remove(PROTOCOL_OPTION);
        if (protocol == null) {
            return false;
        }
        if (!H2.equals(protocol.toString().trim())) {
            throw new IllegalArgumentException("netty-http option protocol of " + uri + ": expected h2 (HTTP/2 to"
                    + " the backend), got " + protocol);
        }
        return true;
    }

    /** This target, reached over HTTP/2 when {@code h2}. */
    public UpstreamTarget withHttp2(boolean h2) {
        return new UpstreamTarget(host, port, tls, basePath, backendTls, pinned, h2);
    }

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

    /**
     * Resolved at connect time (see {@link BackendResolver}), so a backend's DNS change is seen by new
     * connections; an IP address, or a pinned target's address, as it is.
     */
    public InetSocketAddress address() {
        InetAddress known = pinned != null ? pinned : NetUtil.createInetAddressFromIpAddressString(host);
        return known != null ? new InetSocketAddress(known, port) : InetSocketAddress.createUnresolved(host, port);
    }

    /** This target, connecting to {@code address} (one of its host's). */
    public UpstreamTarget at(InetAddress address) {
        return new UpstreamTarget(host, port, tls, basePath, backendTls, address, http2);
    }

    /**
     * On an https target, puts the TLS handler for this backend (its CA, client certificate and server
     * name) first in {@code ch}'s pipeline, its handshake bounded by {@code handshakeTimeout}.
     */
    void addTls(Channel ch, BackendTlsContexts contexts, Duration handshakeTimeout) {
        if (tls) {
            ch.pipeline().addLast("tls", contexts.newHandler(backendTls, ch.alloc(), host, port, handshakeTimeout));
        }
    }

    @Override
    public String toString() {
        return (tls ? "https://" : "http://")
                + authority()
                + (pinned == null ? "" : " (" + pinned.getHostAddress() + ")");
    }
}
