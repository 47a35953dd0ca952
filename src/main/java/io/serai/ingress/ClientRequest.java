package io.serai.ingress;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;

import java.net.SocketAddress;
import java.util.Map;

/**
 * A client's complete request together with what Serai decided about it before any route ran: the
 * address it came from, the client certificate its connection verified (null: none), its parsed target
 * and, once dispatched, which part of the path its route matched. Camel's binding sees only the request,
 * not the connection, so these travel on the request itself; headers and body are shared with the
 * decoded request.
 */
public final class ClientRequest extends DefaultFullHttpRequest {

    private final SocketAddress remoteAddress;
    private final RequestTarget target;
    private final ClientCertificate certificate;
    private Map<String, String> pathParams = Map.of();
    private int matchedSegments;

    ClientRequest(FullHttpRequest request, SocketAddress remoteAddress, RequestTarget target,
            ClientCertificate certificate) {
        super(request.protocolVersion(), request.method(), request.uri(), request.content(), request.headers(),
                request.trailingHeaders());
        setDecoderResult(request.decoderResult());
        this.remoteAddress = remoteAddress;
        this.target = target;
        this.certificate = certificate;
    }

    SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** The request-target as parsed once when the request's head arrived. */
    public RequestTarget target() {
        return target;
    }

    /**
     * Records the route's match: {@code segments} leading path segments matched its path, and
     * {@code params} are its path parameters' values (decoded).
     */
    public void matched(int segments, Map<String, String> params) {
        this.matchedSegments = segments;
        this.pathParams = params;
    }

    /** How many leading segments of the normalized path the route's own path matched. */
    public int matchedSegments() {
        return matchedSegments;
    }

    /** The route's path parameters ({@code /profile/{id}}), decoded; empty when it has none. */
    public Map<String, String> pathParams() {
        return pathParams;
    }

    ClientCertificate certificate() {
        return certificate;
    }
}
