package io.serai.http;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.serai.http.body.BodyStream;

import java.net.SocketAddress;
import java.util.Map;

/**
 * A client's complete request together with what Serai decided about it before any route ran: the
 * address it came from, the client certificate its connection verified (null: none), its parsed target,
 * its body when that follows as a stream, and, once dispatched, which part of the path its route matched
 * and how the route takes bodies and WebSockets. Camel's binding sees only the request,
 * not the connection, so these travel on the request itself; headers and body are shared with the
 * decoded request.
 */
public final class ClientRequest extends DefaultFullHttpRequest {

    private final SocketAddress remoteAddress;
    private final RequestTarget target;
    private final ClientCertificate certificate;
    private final BodyStream body;
    private Map<String, String> pathParams = Map.of();
    private int matchedSegments;
    private boolean bufferResponse;
    private boolean webSocket;
    private boolean http2;

    public ClientRequest(
            FullHttpRequest request,
            SocketAddress remoteAddress,
            RequestTarget target,
            ClientCertificate certificate,
            BodyStream body) {
        super(
                request.protocolVersion(),
                request.method(),
                request.uri(),
                request.content(),
                request.headers(),
                request.trailingHeaders());
        setDecoderResult(request.decoderResult());
        this.remoteAddress = remoteAddress;
        this.target = target;
        this.certificate = certificate;
        this.body = body;
    }

    /** Marks a request that arrived on an HTTP/2 stream (Netty hands it on as an HTTP/1.1 message). */
    public void arrivedOnHttp2() {
        http2 = true;
    }

    /** The protocol version the client spoke, as Via writes it (RFC 9110 section 7.6.3): "2", "1.1" or "1.0". */
    public String receivedProtocol() {
        return http2
                ? "2"
                : protocolVersion().majorVersion() + "." + protocolVersion().minorVersion();
    }

    /**
     * Drops a request that no route will take (refused, queued on a connection that closed): its buffer,
     * and the rest of its body if that streams.
     */
    public static void discard(Object msg) {
        if (msg instanceof ClientRequest request && request.body != null) {
            request.body.cancel();
        }
        ReferenceCountUtil.release(msg);
    }

    /** The body, when it had not arrived whole with the head and follows as a stream; null otherwise. */
    public BodyStream body() {
        return body;
    }

    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** The request-target as parsed once when the request's head arrived. */
    public RequestTarget target() {
        return target;
    }

    /**
     * Records the route's match: {@code segments} leading path segments matched its path,
     * {@code params} are its path parameters' values (decoded), whether it wants whole responses and whether
     * it takes WebSocket handshakes.
     */
    public void matched(int segments, Map<String, String> params, boolean bufferResponse, boolean webSocket) {
        this.matchedSegments = segments;
        this.pathParams = params;
        this.bufferResponse = bufferResponse;
        this.webSocket = webSocket;
    }

    /** Whether the route takes WebSocket handshakes ({@code webSocket=true}). */
    public boolean webSocket() {
        return webSocket;
    }

    /** Whether the route asked for whole responses ({@code responseBuffering=true}) rather than streams. */
    public boolean bufferResponse() {
        return bufferResponse;
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
