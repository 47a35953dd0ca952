package io.serai.ingress;

import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, except that a request with both Content-Length and Transfer-Encoding keeps
 * both headers: Netty would silently drop Content-Length and keep the connection, while Serai refuses
 * such a request and closes (RFC 9112 section 6.1, the classic request-smuggling shape).
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    StrictRequestDecoder(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize) {
        super(maxInitialLineLength, maxHeaderSize, maxChunkSize);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        // Keep both: RequestValidator refuses the request before its body is read.
    }
}
