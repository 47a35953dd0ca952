package io.serai.ingress;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.serai.http.body.BodyStream;

/**
 * A response that leaves as it arrives: this head now, its body chunk by chunk as the backend sends it.
 * What the binding hands Camel to write (Camel writes one {@code HttpResponse});
 * {@link ResponseStreamWriter} writes it.
 */
final class StreamedResponse extends DefaultHttpResponse {

    private final BodyStream body;

    StreamedResponse(HttpResponseStatus status, BodyStream body) {
        super(HttpVersion.HTTP_1_1, status);
        this.body = body;
    }

    BodyStream body() {
        return body;
    }
}
