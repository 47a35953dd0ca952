package io.serai.http;

import io.netty.channel.Channel;
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
        SocketAddress source = channel.attr(PROXIED_SOURCE).get();
        return source != null ? source : channel.remoteAddress();
    }
}
