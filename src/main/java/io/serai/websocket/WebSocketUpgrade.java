package io.serai.websocket;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.apache.camel.Exchange;

/**
 * What makes a request a WebSocket opening handshake that Serai forwards (RFC 6455 section 4.1, RFC 9110
 * section 7.8), and a backend's answer one it accepts: an HTTP/1.1 GET without a body whose Upgrade lists
 * {@code websocket} and whose Connection lists {@code upgrade}, on a route with {@code webSocket=true}; the
 * answer a 101 whose Upgrade is {@code websocket}. Upgrade and Connection stay hop-by-hop: the binding drops
 * them as ever, and the request to the backend asks for {@code websocket} alone ({@code h2c} or anything
 * else a client lists is never asked for).
 */
public final class WebSocketUpgrade {

    /** Exchange property: the client asked for a WebSocket and the route takes them. */
    public static final String REQUESTED = "seraiWebSocketRequested";

    /** Exchange property: the {@link Tunnel} the client's connection became, once the 101 is being written. */
    public static final String TUNNEL = "seraiWebSocketTunnel";

    private WebSocketUpgrade() {}

    /** Whether {@code request}'s head asks to switch to WebSocket (its body is the caller's to check). */
    public static boolean isAskedBy(HttpRequest request) {
        HttpHeaders headers = request.headers();
        return HttpVersion.HTTP_1_1.equals(request.protocolVersion())
                && HttpMethod.GET.equals(request.method())
                && lists(headers, HttpHeaderNames.UPGRADE, "websocket")
                && lists(headers, HttpHeaderNames.CONNECTION, "upgrade");
    }

    /** Whether the route let this exchange's client switch to WebSocket. */
    public static boolean isRequested(Exchange exchange) {
        return exchange.getProperty(REQUESTED) != null;
    }

    /** Makes the backend request ask for WebSocket, and for nothing else. */
    public static void ask(HttpHeaders headers) {
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
    }

    /** Whether a request Serai built for a backend asks for WebSocket. */
    public static boolean isAsked(HttpHeaders headers) {
        return lists(headers, HttpHeaderNames.UPGRADE, "websocket");
    }

    /** Whether a backend's 101 switched to WebSocket (and not to some other protocol). */
    public static boolean isAccepted(HttpResponse response) {
        return response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()
                && lists(response.headers(), HttpHeaderNames.UPGRADE, "websocket");
    }

    /** Whether a comma-separated field lists {@code token}, without case (protocol versions such as websocket/13 do not count). */
    private static boolean lists(HttpHeaders headers, CharSequence name, String token) {
        for (String value : headers.getAll(name)) {
            for (String item : value.split(",")) {
                if (item.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
