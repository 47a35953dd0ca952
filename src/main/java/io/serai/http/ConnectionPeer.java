package io.serai.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;

import java.net.SocketAddress;

/**
 * Who is at the other end of a client connection, as Serai believes it: the source address a PROXY
 * protocol header gave (an L4 balancer in front of Serai names the client), else the TCP peer.
 */
public final class ConnectionPeer {

    /** Set on a connection whose PROXY protocol header named a source. */
    public static final AttributeKey<SocketAddress> PROXIED_SOURCE =
            AttributeKey.valueOf("serai.proxy-protocol.source");

    private ConnectionPeer() {}

    public static SocketAddress of(Channel channel) {
        Channel connection = connection(channel);
        SocketAddress source = connection.attr(PROXIED_SOURCE).get();
        return source != null ? source : connection.remoteAddress();
    }

    /**
     * The client connection {@code channel} belongs to: itself, or for an HTTP/2 stream its connection
     * (its parent), where what is known of the connection (PROXY protocol source, client certificate) is
     * kept once. Looked up rather than copied onto each stream: nothing to copy per stream, nothing stale.
     */
    public static Channel connection(Channel channel) {
        return channel instanceof Http2StreamChannel ? channel.parent() : channel;
    }
}
