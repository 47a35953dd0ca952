package io.serai.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.serai.http.ClientCertificate;
import io.serai.http.ClientRequest;
import io.serai.http.ConnectionPeer;

/**
 * Wraps each complete request as a {@link ClientRequest} carrying the connection's peer (the source a
 * PROXY protocol header gave ({@link ProxyProtocol}), else the TCP peer), the client certificate its TLS
 * handshake verified, if any ({@link ClientCertificateReader}), the target {@link RequestValidator}
 * parsed when the request's head arrived, and its body stream, if {@link RequestBodies} made one.
 */
final class ClientAddressTagger extends ChannelInboundHandlerAdapter {

    private final RequestValidator targets;

    ClientAddressTagger(RequestValidator targets) {
        this.targets = targets;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request && !(msg instanceof ClientRequest)) {
            ClientRequest tagged = new ClientRequest(
                    request,
                    ConnectionPeer.of(ctx.channel()),
                    targets.targetOf(request.uri()),
                    ConnectionPeer.connection(ctx.channel())
                            .attr(ClientCertificate.KEY)
                            .get(),
                    request instanceof StreamedRequest streamed ? streamed.body() : null);
            if (ctx.channel() instanceof Http2StreamChannel) {
                tagged.arrivedOnHttp2();
            }
            ctx.fireChannelRead(tagged);
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
