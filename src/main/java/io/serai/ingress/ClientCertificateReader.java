package io.serai.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.serai.http.ClientCertificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * After a TLS listener's handshake: keeps the client certificate the handshake verified (when the
 * listener asked for one and the client presented it) on the connection, for {@link ClientAddressTagger}
 * to hand to each of its requests. Reading it once per connection keeps the per-request cost to a lookup.
 */
final class ClientCertificateReader extends ChannelInboundHandlerAdapter {

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent done) {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (done.isSuccess() && tls != null) {
                SSLEngine engine = tls.engine();
                if (engine.getNeedClientAuth() || engine.getWantClientAuth()) {
                    ClientCertificate certificate = verified(engine);
                    if (certificate != null) {
                        ctx.channel().attr(ClientCertificate.KEY).set(certificate);
                    }
                }
            }
            ctx.fireUserEventTriggered(event);
            ctx.pipeline().remove(this);
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    private static ClientCertificate verified(SSLEngine engine) {
        try {
            Certificate[] chain = engine.getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? ClientCertificate.of(leaf) : null;
        } catch (SSLPeerUnverifiedException none) {
            // optional client certificates, and the client sent none
            return null;
        }
    }
}
