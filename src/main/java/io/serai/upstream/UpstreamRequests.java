package io.serai.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.serai.http.HopByHopHeaders;
import io.serai.http.IngressRequest;
import io.serai.http.MessageBodies;
import io.serai.http.PathParameters;
import io.serai.http.body.BodyStream;
import io.serai.http.grpc.GrpcContentTypes;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.NettyHttpConstants;

import java.util.Map;

/**
 * Builds the request a backend receives from the exchange as the route left it: method, path and
 * query (the normalized path below the endpoint's own path, the query as sent), the message's headers less
 * hop-by-hop and Camel-internal ones, and the body: a whole one framed with Content-Length, one that
 * streams with the client's Content-Length or chunked (its chunks are sent by the call).
 */
final class UpstreamRequests {

    private UpstreamRequests() {}

    static FullHttpRequest build(Exchange exchange, UpstreamTarget target, boolean preserveHost, String queryTemplate) {
        Message message = exchange.getMessage();
        Map<String, Object> fields = message.getHeaders();
        Map<?, ?> params = exchange.getProperty(PathParameters.PROPERTY, Map.class);
        BodyStream stream = MessageBodies.streaming(message);
        ByteBuf content = stream != null ? Unpooled.EMPTY_BUFFER : MessageBodies.toByteBuf(message);
        Object methodHeader = fields.get(NettyHttpConstants.HTTP_METHOD);
        HttpMethod method = methodHeader != null
                ? HttpMethod.valueOf(methodHeader.toString())
                : content.isReadable() || stream != null ? HttpMethod.POST : HttpMethod.GET;

        HttpHeaders headers = new DefaultHttpHeaders();
        Object host = null;
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            String name = field.getKey();
            if (HopByHopHeaders.isCamelInternal(name) || HopByHopHeaders.isAlwaysHopByHop(name)) {
                continue;
            }
            if (name.equalsIgnoreCase("Host")) {
                host = field.getValue();
                continue;
            }
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Expect")) {
                continue;
            }
            if (params != null && params.containsKey(name)) {
                // A path parameter of the route's consumer, not a header the client sent.
                continue;
            }
            Object value = field.getValue();
            if (value instanceof Iterable<?> values) {
                for (Object v : values) {
                    headers.add(name, String.valueOf(v));
                }
            } else if (value != null) {
                headers.add(name, value.toString());
            }
        }
        headers.set(HttpHeaderNames.HOST, preserveHost && host != null ? host.toString() : target.authority());
        if (target.http2()) {
            askForTrailers(exchange, headers);
        }
        if (stream != null) {
            // The body is sent as it arrives: with the length the client declared, else chunked.
            if (stream.declaredLength() >= 0) {
                headers.set(HttpHeaderNames.CONTENT_LENGTH, stream.declaredLength());
            } else {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        } else if (content.isReadable() || expectsBody(method)) {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        }
        String requestTarget = requestTarget(fields, target);
        if (params != null || queryTemplate != null) {
            requestTarget = templated(requestTarget, queryTemplate, params);
        }
        return new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, method, requestTarget, content, headers, EmptyHttpHeaders.INSTANCE);
    }

    /**
     * {@code TE: trailers} is the one TE an HTTP/2 request may carry (RFC 9113 section 8.2.2), and gRPC needs it:
     * it reaches an h2 backend when the client sent it (the ingress drops TE as hop-by-hop, so it is read from
     * the client's own fields). Connection-specific fields are dropped by Netty's HTTP/2 conversion.
     */
    private static void askForTrailers(Exchange exchange, HttpHeaders headers) {
        IngressRequest ingress = exchange.getProperty(IngressRequest.PROPERTY, IngressRequest.class);
        HttpHeaders sent = ingress == null ? null : ingress.headers();
        // A gRPC-Web client (Serai made its request gRPC) never sends TE; gRPC servers require it.
        if (sent != null && sent.containsValue(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS, true)
                || GrpcContentTypes.isGrpc(headers.get(HttpHeaderNames.CONTENT_TYPE))) {
            headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
        }
    }

    /**
     * Fills {@code {name}} in the endpoint's path with the request's path parameters, and replaces the
     * query with the endpoint's {@code query} option when it has one (filled the same way). Each value
     * is percent-encoded for its place, so it stays one segment or one query value.
     */
    static String templated(String requestTarget, String queryTemplate, Map<?, ?> params) {
        int q = requestTarget.indexOf('?');
        String path = q < 0 ? requestTarget : requestTarget.substring(0, q);
        String query = q < 0 ? null : requestTarget.substring(q + 1);
        if (queryTemplate != null) {
            query = queryTemplate;
        }
        if (params != null) {
            for (Map.Entry<?, ?> p : params.entrySet()) {
                String value = PathParameters.encode(String.valueOf(p.getValue()));
                path = path.replace("{" + p.getKey() + "}", value).replace("%7B" + p.getKey() + "%7D", value);
                if (query != null) {
                    query = query.replace("{" + p.getKey() + "}", value);
                }
            }
        }
        return query == null || query.isEmpty() ? path : path + "?" + query;
    }

    /** The endpoint's path followed by the route's CamelHttpPath and the raw query. */
    static String requestTarget(Map<String, Object> fields, UpstreamTarget target) {
        Object pathField = fields.get(NettyHttpConstants.HTTP_PATH);
        Object queryField = fields.get(NettyHttpConstants.HTTP_RAW_QUERY);
        if (queryField == null) {
            queryField = fields.get(NettyHttpConstants.HTTP_QUERY);
        }
        String base = target.basePath() == null ? "" : target.basePath();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String path = pathField == null ? "" : pathField.toString();
        if (!path.isEmpty() && path.charAt(0) != '/') {
            path = "/" + path;
        }
        String joined = base + path;
        if (joined.isEmpty()) {
            joined = "/";
        }
        String query = queryField == null ? null : queryField.toString();
        return query == null || query.isEmpty() ? joined : joined + "?" + query;
    }

    private static boolean expectsBody(HttpMethod method) {
        return method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT) || method.equals(HttpMethod.PATCH);
    }
}
