package io.serai.ingress;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.serai.websocket.Tunnel;

/**
 * A backend's 101 to a client's WebSocket handshake: once it is written the client's connection carries
 * the {@link Tunnel}, not HTTP. What the binding hands Camel to write; {@link ResponseStreamWriter} makes
 * the switch.
 */
final class UpgradeResponse extends DefaultFullHttpResponse {

    private final Tunnel tunnel;

    UpgradeResponse(Tunnel tunnel) {
        super(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER, false);
        this.tunnel = tunnel;
    }

    Tunnel tunnel() {
        return tunnel;
    }
}
