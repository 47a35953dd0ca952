package io.serai.ingress;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.serai.camel.MeterRegistries;
import io.serai.http.ClientCertificate;
import io.serai.http.ClientRequest;
import io.serai.http.ErrorResponses;
import io.serai.http.HeaderValues;
import io.serai.http.HopByHopHeaders;
import io.serai.http.IngressRequest;
import io.serai.http.MessageBodies;
import io.serai.http.PathParameters;
import io.serai.http.RequestIds;
import io.serai.http.RequestTarget;
import io.serai.http.ResponseHeaderEdits;
import io.serai.http.ResponseStatus;
import io.serai.http.RouteIds;
import io.serai.http.body.BodyStream;
import io.serai.http.grpc.GrpcAnswers;
import io.serai.http.grpc.GrpcWeb;
import io.serai.settings.ProxySettings;
import io.serai.websocket.Tunnel;
import io.serai.websocket.WebSocketMeters;
import io.serai.websocket.WebSocketUpgrade;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.component.netty.http.DefaultNettyHttpBinding;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.apache.camel.component.netty.http.NettyHttpMessage;
import org.apache.camel.support.SynchronizationAdapter;

import java.util.Map;

/**
 * Binds client requests to Camel messages and Camel messages back to client responses with proxy
 * semantics: the route sees the normalized path it was chosen by (and the query as sent), hop-by-hop
 * and Camel-internal headers are dropped
 * in both directions, forwarding headers are added, request headers are never echoed, HEAD, 204 and
 * 304 responses carry no body, failures become short 502/504/500 answers (trailers-only answers for a gRPC
 * request), a gRPC-Web request goes on as gRPC and its answer comes back as gRPC-Web ({@link GrpcWebResponses}),
 * and on a route with
 * {@code webSocket=true} a WebSocket handshake's 101 hands the connection to its {@link Tunnel}.
 * <p>
 * Long because: it overrides Camel's binding in both directions, and the two directions share the header rules.
 */
public class ProxyHttpBinding extends DefaultNettyHttpBinding {

    private final ProxySettings settings;
    private final ForwardingSettings forwarding;
    private final ListenerDrain drain;

    public ProxyHttpBinding(ProxySettings settings, ForwardingSettings forwarding, ListenerDrain drain) {
        super(new ProxyHeaderFilterStrategy());
        this.settings = settings;
        this.forwarding = forwarding;
        this.drain = drain;
    }

    @Override
    public ProxyHttpBinding copy() {
        return (ProxyHttpBinding) super.copy();
    }

    @Override
    public Message toCamelMessage(FullHttpRequest request, Exchange exchange, NettyHttpConfiguration configuration)
            throws Exception {
        NettyHttpMessage message = new NettyHttpMessage(exchange.getContext(), request, null);
        message.setExchange(exchange);
        populateCamelHeaders(request, message.getHeaders(), exchange, configuration);
        exchange.getExchangeExtension().setStreamCacheDisabled(true);
        BodyStream stream = request instanceof ClientRequest client ? client.body() : null;
        if (stream != null) {
            message.setBody(stream);
            exchange.setProperty(IngressRequest.REQUEST_BODY, stream);
            // A body no step sent on is not read any further (and its connection is not reused).
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    stream.exchangeDone();
                }
            });
        } else {
            // The consumer releases the request when channelRead returns; the body must outlive that
            // because the upstream call completes later, so it is retained until the exchange is done.
            ByteBuf content = request.content().retain();
            message.setBody(content);
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    ReferenceCountUtil.safeRelease(content);
                }
            });
        }
        if (request instanceof ClientRequest client && client.bufferResponse()) {
            exchange.setProperty(IngressRequest.BUFFER_RESPONSE, Boolean.TRUE);
        }
        return message;
    }

    @Override
    public void populateCamelHeaders(
            HttpRequest request, Map<String, Object> headers, Exchange exchange, NettyHttpConfiguration configuration) {
        ClientRequest client = request instanceof ClientRequest tagged ? tagged : null;
        // The target as parsed once when the request arrived, and the part of it the route matched.
        RequestTarget target =
                client != null ? client.target() : RequestTarget.parse(request.uri(), settings.allowEncodedSlash());
        HttpHeaders in = request.headers();
        IngressRequest ingress = new IngressRequest(
                request.method(), request.protocolVersion(), HttpUtil.isKeepAlive(request), in, target);
        exchange.setProperty(IngressRequest.PROPERTY, ingress);
        exchange.setProperty(IngressRequest.NORMALIZED_PATH, target.path());
        ClientInterimResponses.offer(exchange, request.protocolVersion());

        headers.put(NettyHttpConstants.HTTP_METHOD, request.method().name());
        headers.put(NettyHttpConstants.HTTP_URI, target.path());
        headers.put(NettyHttpConstants.HTTP_PATH, target.pathBelow(client == null ? 0 : client.matchedSegments()));
        if (target.rawQuery() != null) {
            headers.put(NettyHttpConstants.HTTP_QUERY, target.rawQuery());
            headers.put(NettyHttpConstants.HTTP_RAW_QUERY, target.rawQuery());
        }

        HopByHopHeaders hopByHop = HopByHopHeaders.of(in);
        for (Map.Entry<String, String> header : in) {
            String name = header.getKey();
            if (hopByHop.excludes(name) || HopByHopHeaders.isCamelInternal(name)) {
                continue;
            }
            HeaderValues.append(headers, name, header.getValue());
        }
        if (client != null
                && client.webSocket()
                && client.body() == null
                && !client.content().isReadable()
                && WebSocketUpgrade.isAskedBy(request)) {
            // Upgrade and Connection stay dropped above: the producer asks the backend for websocket alone.
            exchange.setProperty(WebSocketUpgrade.REQUESTED, Boolean.TRUE);
        }
        if (HttpMethod.POST.equals(request.method()) && GrpcWeb.isRequest(in)) {
            // The routes and the backend see gRPC (RequestBodies took off a text body's base64); the client's
            // own type, kept here, shapes its answer.
            String sent = in.get(HttpHeaderNames.CONTENT_TYPE);
            exchange.setProperty(GrpcWeb.CLIENT_TYPE, sent);
            headers.remove("Content-Type");
            headers.put("Content-Type", GrpcWeb.grpcType(sent));
        }
        Map<String, String> params = client == null ? Map.of() : client.pathParams();
        if (!params.isEmpty()) {
            exchange.setProperty(PathParameters.PROPERTY, params);
            // As Camel's REST matching: each parameter is a header of the same name, over a client header
            // of that name. Serai's producer never sends these on to a backend.
            params.forEach((name, value) -> {
                headers.remove(name);
                headers.put(name, value);
            });
        }
        // RFC 9112 section 3.2.2: the authority of an absolute-form target replaces Host.
        if (target.authority() != null) {
            headers.remove("Host");
            headers.put("Host", target.authority());
        }
        ForwardingHeaders.apply(exchange, request, headers, configuration.isSsl(), settings, forwarding);
        ClientCertificate.forward(request, headers, exchange);
        exchange.setProperty(RequestIds.PROPERTY, RequestIds.assign(headers));
    }

    @Override
    public HttpResponse toNettyResponse(Message message, NettyHttpConfiguration configuration) throws Exception {
        Exchange exchange = message.getExchange();
        IngressRequest ingress = IngressRequest.of(exchange);
        Throwable cause = exchange.getException();
        HttpResponse response;
        if (cause != null) {
            response = ErrorResponses.forFailure(exchange, cause);
            exchange.setException(null);
            exchange.getExchangeExtension().setRedeliveryExhausted(false);
        } else if (ResponseStatus.invalid(message) != null) {
            response = ErrorResponses.plain(
                    500,
                    "route " + RouteIds.of(exchange) + ": CamelHttpResponseCode \"" + ResponseStatus.invalid(message)
                            + "\" is not an HTTP status (100 to 599)");
        } else {
            response = fromMessage(message, ingress);
        }
        if (ingress != null && GrpcAnswers.needsReshaping(ingress.headers(), response)) {
            if (response instanceof StreamedResponse streamed) {
                streamed.body().cancel();
            }
            response = GrpcAnswers.reshape(ingress.headers(), response, cause);
        }
        if (ingress != null && HttpMethod.POST.equals(ingress.method())) {
            String grpcWeb = exchange.getProperty(GrpcWeb.CLIENT_TYPE, String.class);
            if (grpcWeb != null) {
                response = GrpcWebResponses.toGrpcWeb(response, grpcWeb);
            }
        }
        // The client can quote the id the backend and the access log saw (nginx's add_header, Envoy's
        // always_set_request_id_in_response); a route's own header edits may still drop it.
        String requestId = exchange.getProperty(RequestIds.PROPERTY, String.class);
        if (requestId != null) {
            response.headers().set(RequestIds.HEADER, requestId);
        }
        ResponseHeaderEdits.apply(exchange, response.headers());
        frame(response, ingress, exchange, drain.isDraining());
        return response;
    }

    /** The route's answer: whole when its body is, else a head whose body follows as the backend sends it. */
    private HttpResponse fromMessage(Message message, IngressRequest ingress) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(status(message));
        Object body = message.getBody();
        HttpResponse response;
        Exchange exchange = message.getExchange();
        if (body instanceof Tunnel tunnel && status.code() == 101 && WebSocketUpgrade.isRequested(exchange)) {
            exchange.setProperty(WebSocketUpgrade.TUNNEL, tunnel);
            tunnel.observe(WebSocketMeters.of(MeterRegistries.of(exchange.getContext()), RouteIds.of(exchange)));
            response = new UpgradeResponse(tunnel);
        } else if (body instanceof BodyStream stream && !stream.isHeld()) {
            message.getExchange().setProperty(IngressRequest.RESPONSE_BODY, stream);
            response = new StreamedResponse(status, stream);
        } else {
            // A body held whole is taken out of its stream, which then holds nothing more.
            ByteBuf content = body instanceof BodyStream held ? held.takeContent() : MessageBodies.toByteBuf(message);
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content, false);
        }
        copyHeaders(message, ingress, response.headers());
        return response;
    }

    private static void copyHeaders(Message message, IngressRequest ingress, HttpHeaders out) {
        // Headers of a backend's response replaced the request's; anything else still holds what the
        // client sent, and a route answering by itself must not send that back.
        boolean fromUpstream = message.getExchange().getProperty(IngressRequest.UPSTREAM_ANSWERED) != null;
        HttpHeaders requestHeaders = fromUpstream || ingress == null ? null : ingress.headers();
        for (Map.Entry<String, Object> header : message.getHeaders().entrySet()) {
            String name = header.getKey();
            if (HopByHopHeaders.isAlwaysHopByHop(name)
                    || HopByHopHeaders.isCamelInternal(name)
                    || (!fromUpstream
                            && (name.equalsIgnoreCase("Host") || ForwardingHeaders.isForwardingHeader(name)))) {
                continue;
            }
            Object value = header.getValue();
            if (value instanceof Iterable<?> values) {
                for (Object v : values) {
                    addUnlessEchoed(out, requestHeaders, name, v);
                }
            } else {
                addUnlessEchoed(out, requestHeaders, name, value);
            }
        }
    }

    /** A header whose name and value are exactly the client's own is the request echoing, not a response field. */
    private static void addUnlessEchoed(HttpHeaders out, HttpHeaders requestHeaders, String name, Object value) {
        if (value == null) {
            return;
        }
        String text = value.toString();
        if (requestHeaders != null && requestHeaders.contains(name, text, false)) {
            return;
        }
        out.add(name, text);
    }

    private static int status(Message message) {
        return ResponseStatus.of(message);
    }

    /**
     * Message framing for this client: no body for HEAD, 1xx, 204 and 304; a whole body with its
     * Content-Length; a streamed one with the backend's Content-Length when it gave one, else chunked, or,
     * for an HTTP/1.0 client, ended by closing the connection. The connection is kept or closed as the
     * client asked, and closed when the request's own body was not read to its end or Serai is shutting down.
     */
    private static void frame(HttpResponse response, IngressRequest ingress, Exchange exchange, boolean draining) {
        HttpHeaders headers = response.headers();
        int code = response.status().code();
        boolean noBody = code < 200 || code == 204 || code == 304 || (ingress != null && ingress.isHead());
        boolean http10 = HttpVersion.HTTP_1_0.equals(ingress == null ? null : ingress.version());
        boolean keepAlive = !draining && (ingress == null || ingress.keepAlive());
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        if (response instanceof StreamedResponse streamed) {
            // gRPC-Web adds the trailer frame (and base64 lengthens): the backend's length no longer holds.
            long length = streamed.grpcWeb() != null ? -1 : streamed.body().declaredLength();
            if (noBody) {
                streamed.body().cancel();
                headers.remove(HttpHeaderNames.CONTENT_LENGTH);
            } else if (length >= 0) {
                headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
            } else if (!http10) {
                headers.remove(HttpHeaderNames.CONTENT_LENGTH);
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                headers.remove(HttpHeaderNames.CONTENT_LENGTH);
                keepAlive = false;
            }
        } else if (response instanceof FullHttpResponse full) {
            if (noBody) {
                int length = full.content().readableBytes();
                full.content().clear();
                if (code < 200 || code == 204) {
                    headers.remove(HttpHeaderNames.CONTENT_LENGTH);
                } else if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH) && length > 0) {
                    headers.setInt(HttpHeaderNames.CONTENT_LENGTH, length);
                }
            } else {
                headers.setInt(HttpHeaderNames.CONTENT_LENGTH, full.content().readableBytes());
            }
        }
        BodyStream requestBody = exchange.getProperty(IngressRequest.REQUEST_BODY, BodyStream.class);
        if (requestBody != null && !requestBody.isEnded()) {
            // What is left of the request's body would have to be read before the next request: close.
            keepAlive = false;
        }
        headers.remove(HttpHeaderNames.CONNECTION);
        if (response instanceof UpgradeResponse) {
            // RFC 9110 section 15.2.2: the 101 names the protocol the connection switches to.
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            exchange.setProperty(NettyConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE, false);
            return;
        }
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            exchange.setProperty(NettyConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE, true);
        } else {
            exchange.setProperty(NettyConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE, false);
            if (http10) {
                headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        }
    }

    static String versionText(HttpVersion version) {
        return version.majorVersion() + "." + version.minorVersion();
    }
}
