package io.serai.ingress;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;

import java.net.SocketAddress;

/**
 * A client's request together with the address it came from. Camel's binding sees only the request,
 * not the connection, so the address travels on the request itself; headers and body are shared.
 */
final class ClientRequest extends DefaultFullHttpRequest {

    private final SocketAddress remoteAddress;

    ClientRequest(FullHttpRequest request, SocketAddress remoteAddress) {
        super(request.protocolVersion(), request.method(), request.uri(), request.content(), request.headers(),
                request.trailingHeaders());
        setDecoderResult(request.decoderResult());
        this.remoteAddress = remoteAddress;
    }

    SocketAddress remoteAddress() {
        return remoteAddress;
    }
}
