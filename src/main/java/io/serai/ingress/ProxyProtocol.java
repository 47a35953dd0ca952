package io.serai.ingress;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.serai.http.AddressRules;

import java.util.function.UnaryOperator;

/**
 * The PROXY protocol (HAProxy's, v1 text and v2 binary) on a listener that sits behind an L4 load
 * balancer: each connection starts with a header naming the client's address, which becomes the
 * connection's peer for everything Serai does with it (X-Forwarded-For, access checks, rate limits,
 * sticky keys, the access log). A listener asks for it with the URI option {@code proxyProtocol=true};
 * {@value #ALLOWED_PEERS} names the balancers that may send the header (empty: any peer).
 */
public final class ProxyProtocol {

    public static final String ALLOWED_PEERS = "serai.proxy-protocol.allowed-peers";

    private final AddressRules allowedPeers;

    private ProxyProtocol(AddressRules allowedPeers) {
        this.allowedPeers = allowedPeers;
    }

    public static ProxyProtocol from(UnaryOperator<String> lookup) {
        return new ProxyProtocol(AddressRules.parse(ALLOWED_PEERS, lookup.apply(ALLOWED_PEERS)));
    }

    public static ProxyProtocol defaults() {
        return from(key -> null);
    }

    /** Whether any peer may send the header (no {@value #ALLOWED_PEERS}). */
    public boolean fromAnyPeer() {
        return allowedPeers.isEmpty();
    }

    /** Netty's decoder of the header first (after {@code after}), then what makes its source the peer. */
    void addTo(ChannelPipeline pipeline, String after) {
        pipeline.addAfter(after, "proxy-protocol-decoder", new HAProxyMessageDecoder());
        pipeline.addAfter("proxy-protocol-decoder", "proxy-protocol", new ProxyProtocolHandler(allowedPeers));
    }
}
