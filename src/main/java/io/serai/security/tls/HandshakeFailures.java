package io.serai.security.tls;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;

/**
 * Closes a connection whose TLS handshake failed, logging it at debug: scanners and clients that do
 * not trust the certificate would otherwise fill the log with a stack trace each.
 */
@ChannelHandler.Sharable
public final class HandshakeFailures extends ChannelInboundHandlerAdapter {

    public static final HandshakeFailures INSTANCE = new HandshakeFailures();
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeFailures.class);

    private HandshakeFailures() {}

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (t instanceof SSLException) {
            LOG.debug("TLS with {} failed: {}", ctx.channel().remoteAddress(), t.getMessage());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
