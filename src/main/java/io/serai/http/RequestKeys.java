package io.serai.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.NettyConstants;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Function;

/**
 * What identifies a request's client for sticky balancing and rate limits, as a route names it:
 * {@code client-address}, {@code header:NAME} or {@code cookie:NAME}. A request without that value
 * has a null key.
 */
public final class RequestKeys {

    public static final String CLIENT_ADDRESS = "client-address";

    private RequestKeys() {}

    /** The key function for {@code spec}; {@code what} names the setting in the error for a bad one. */
    public static Function<Exchange, String> parse(String spec, String what) {
        String k = spec.trim();
        if (k.equals(CLIENT_ADDRESS)) {
            return RequestKeys::clientAddress;
        }
        if (k.startsWith("header:") && k.length() > 7) {
            String name = k.substring(7).trim();
            return exchange -> exchange.getMessage().getHeader(name, String.class);
        }
        if (k.startsWith("cookie:") && k.length() > 7) {
            String name = k.substring(7).trim();
            return exchange -> cookie(exchange, name);
        }
        throw new IllegalArgumentException(
                what + "=" + spec + " is invalid: expected header:NAME, cookie:NAME or " + CLIENT_ADDRESS);
    }

    /**
     * The client's address as Serai resolved it once at ingress (exchange property
     * {@value ResolvedClient#CLIENT_ADDRESS}: the peer, or the client behind a trusted proxy), or null when
     * unknown.
     */
    public static String clientAddress(Exchange exchange) {
        Object resolved = exchange.getProperty(ResolvedClient.CLIENT_ADDRESS);
        if (resolved != null) {
            return resolved.toString();
        }
        InetSocketAddress peer = channelPeer(exchange);
        return peer == null ? null : peer.getAddress().getHostAddress();
    }

    /**
     * Who sent the request ({@link ResolvedClient}); for an exchange that did not come through Serai's
     * ingress binding, the channel's peer as both peer and client. Null when there is no peer.
     */
    public static ResolvedClient resolvedClient(Exchange exchange) {
        ResolvedClient resolved = ResolvedClient.of(exchange);
        if (resolved != null) {
            return resolved;
        }
        InetSocketAddress peer = channelPeer(exchange);
        return peer == null ? null : new ResolvedClient(peer, peer);
    }

    /** The client's address with its port as {@link #resolvedClient} gives it, or null when unknown. */
    public static InetSocketAddress clientSocketAddress(Exchange exchange) {
        ResolvedClient resolved = resolvedClient(exchange);
        return resolved == null ? null : resolved.client();
    }

    private static InetSocketAddress channelPeer(Exchange exchange) {
        Object ctx = exchange.getIn().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT);
        if (ctx instanceof ChannelHandlerContext handler) {
            SocketAddress remote = ConnectionPeer.of(handler.channel());
            if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
                return inet;
            }
        }
        return null;
    }

    private static String cookie(Exchange exchange, String name) {
        String header = exchange.getMessage().getHeader("Cookie", String.class);
        if (header == null) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
            if (c.name().equals(name)) {
                return c.value();
            }
        }
        return null;
    }
}
