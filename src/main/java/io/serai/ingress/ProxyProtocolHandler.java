package io.serai.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.serai.http.AddressRules;
import io.serai.http.ConnectionPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Behind Netty's {@code HAProxyMessageDecoder}: refuses connections from peers that may not send a
 * PROXY header (closed before anything is read), and keeps the header's TCP source address as the
 * connection's peer. A {@code LOCAL} command (a balancer's health check) or a source that is not TCP over
 * IPv4 or IPv6 ({@code UNKNOWN}, a UNIX socket) leaves the TCP peer, as the protocol's spec says. A
 * connection without a valid header is closed by the decoder; this logs it at debug only, as scanners
 * would otherwise fill the log.
 */
final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {

    /** The client's address as the PROXY header gave it. */
    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocolHandler.class);

    private final AddressRules allowedPeers;

    ProxyProtocolHandler(AddressRules allowedPeers) {
        this.allowedPeers = allowedPeers;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        SocketAddress peer = ctx.channel().remoteAddress();
        if (!allowedPeers.isEmpty() && !(peer instanceof InetSocketAddress inet && allowedPeers.matches(inet))) {
            LOG.debug("PROXY protocol: {} is not in {}, connection closed", peer, ProxyProtocol.ALLOWED_PEERS);
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            SocketAddress source = sourceOf(header);
            if (source != null) {
                ctx.channel().attr(ConnectionPeer.PROXIED_SOURCE).set(source);
            }
        } finally {
            header.release();
        }
        ctx.pipeline().remove(this);
    }

    private static SocketAddress sourceOf(HAProxyMessage header) {
        HAProxyProxiedProtocol protocol = header.proxiedProtocol();
        if (header.command() != HAProxyCommand.PROXY
                || header.sourceAddress() == null
                || (protocol != HAProxyProxiedProtocol.TCP4 && protocol != HAProxyProxiedProtocol.TCP6)) {
            return null;
        }
        // The decoder checked the literal; parsing it here never asks DNS.
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
        return address == null ? null : new InetSocketAddress(address, header.sourcePort());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof HAProxyProtocolException) {
            LOG.debug(
                    "PROXY protocol: no valid header from {}, connection closed: {}",
                    ctx.channel().remoteAddress(),
                    cause.getMessage());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
