package io.serai.ingress;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;

import java.net.SocketAddress;

/**
 * A client's request together with the address it came from and the client certificate its connection
 * verified (null: none). Camel's binding sees only the request, not the connection, so these travel on
 * the request itself; headers and body are shared.
 */
final class ClientRequest extends DefaultFullHttpRequest {

    private final SocketAddress remoteAddress;
    private final ClientCertificate certificate;

    ClientRequest(FullHttpRequest request, SocketAddress remoteAddress, ClientCertificate certificate) {
        super(request.protocolVersion(), request.method(), request.uri(), request.content(), request.headers(),
                request.trailingHeaders());
        setDecoderResult(request.decoderResult());
        this.remoteAddress = remoteAddress;
        this.certificate = certificate;
    }

    SocketAddress remoteAddress() {
        return remoteAddress;
    }

    ClientCertificate certificate() {
        return certificate;
    }
}
