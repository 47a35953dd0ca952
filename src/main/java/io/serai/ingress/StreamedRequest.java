package io.serai.ingress;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.serai.http.body.BodyStream;

/**
 * A request whose body had not arrived whole when its head was read: it goes on at once, its body
 * following as a {@link BodyStream}. The content of the request itself is empty.
 */
final class StreamedRequest extends DefaultFullHttpRequest {

    private final BodyStream body;

    StreamedRequest(HttpRequest head, BodyStream body) {
        super(
                head.protocolVersion(),
                head.method(),
                head.uri(),
                Unpooled.EMPTY_BUFFER,
                head.headers(),
                io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        setDecoderResult(head.decoderResult());
        this.body = body;
    }

    BodyStream body() {
        return body;
    }
}
