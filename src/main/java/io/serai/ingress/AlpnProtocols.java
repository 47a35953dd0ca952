package io.serai.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;

/**
 * After a TLS listener's handshake: the protocol the client and Serai agreed by ALPN ({@code h2} preferred,
 * see ServerCertificates) chooses the pipeline. HTTP/2 replaces the HTTP/1.1 handlers that follow; HTTP/1.1,
 * or a client that offered no ALPN, keeps them. Netty removes this handler once it has chosen.
 */
final class AlpnProtocols extends ApplicationProtocolNegotiationHandler {

    private final Http2Pipeline http2;

    AlpnProtocols(Http2Pipeline http2) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.http2 = http2;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            http2.replaceAfter(ctx);
        }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        // HandshakeFailures, before this, has counted and logged it.
        ctx.close();
    }
}
