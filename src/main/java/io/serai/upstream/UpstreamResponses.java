package io.serai.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import io.serai.http.HeaderValues;
import io.serai.http.HopByHopHeaders;
import io.serai.http.IngressRequest;
import io.serai.http.Via;
import io.serai.http.body.BodyStream;
import io.serai.websocket.Tunnel;
import io.serai.websocket.WebSocketUpgrade;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.apache.camel.support.SynchronizationAdapter;

import java.util.Map;

/**
 * Makes a backend's response the exchange's message: its status, its end-to-end headers (never a
 * hop-by-hop one, never one that could pose as a Camel header) and its body: a buffer the exchange owns
 * until it completes when the body is here whole, else the {@link BodyStream} it follows in, or for a WebSocket
 * handshake's 101 the {@link Tunnel} its connection became. The request's headers are dropped so none is
 * echoed to the client.
 */
final class UpstreamResponses {

    private UpstreamResponses() {}

    static void apply(Exchange exchange, HttpResponse response, BodyStream body, String viaEntry) {
        Message message = exchange.getMessage();
        copyHead(message, response, viaEntry);
        if (!body.isHeld()) {
            // The body follows as the backend sends it. If no step hands it to the client (a retry, an
            // error path, a route that answers otherwise), nobody reads the rest: the backend is let go.
            message.setBody(body);
            body.releaseWhenDone();
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    if (done.getProperty(IngressRequest.RESPONSE_BODY) != body) {
                        body.cancel();
                    }
                }
            });
        } else if (exchange.getProperty(ExchangePropertyKey.CORRELATION_ID) != null) {
            // A copy made by multicast or split: it is done before its result is aggregated, so its body
            // must not be a buffer released on completion. Bounded by serai.upstream.max-response-body.
            ByteBuf whole = body.takeContent();
            message.setBody(ByteBufUtil.getBytes(whole));
            whole.release();
        } else {
            ByteBuf whole = body.takeContent();
            message.setBody(whole);
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    ReferenceCountUtil.safeRelease(whole);
                }
            });
        }
        exchange.setProperty(IngressRequest.UPSTREAM_ANSWERED, Boolean.TRUE);
    }

    /**
     * A backend's 101 to a WebSocket handshake: its head as any response's, and the {@link Tunnel} its
     * connection became as the body. If no client takes the tunnel (a step answered otherwise, the client
     * left), the backend connection is closed with the exchange.
     */
    static void applyUpgrade(Exchange exchange, HttpResponse response, Tunnel tunnel, String viaEntry) {
        Message message = exchange.getMessage();
        copyHead(message, response, viaEntry);
        message.setBody(tunnel);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                if (done.getProperty(WebSocketUpgrade.TUNNEL) != tunnel) {
                    tunnel.close();
                }
            }
        });
        exchange.setProperty(IngressRequest.UPSTREAM_ANSWERED, Boolean.TRUE);
    }

    /** Status, end-to-end headers (never a hop-by-hop one, never one posing as a Camel header) and Via. */
    private static void copyHead(Message message, HttpResponse response, String viaEntry) {
        Map<String, Object> headers = message.getHeaders();
        HeaderValues.clearKeepingChannel(headers);
        HopByHopHeaders hopByHop = HopByHopHeaders.of(response.headers());
        for (Map.Entry<String, String> field : response.headers()) {
            String name = field.getKey();
            if (hopByHop.excludes(name) || HopByHopHeaders.isCamelInternal(name)) {
                continue;
            }
            HeaderValues.append(headers, name, field.getValue());
        }
        headers.put("Via", Via.appended(headers.get("Via"), viaEntry));
        headers.put(NettyHttpConstants.HTTP_RESPONSE_CODE, response.status().code());
        headers.put(NettyHttpConstants.HTTP_RESPONSE_TEXT, response.status().reasonPhrase());
    }
}
