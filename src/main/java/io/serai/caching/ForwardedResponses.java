package io.serai.caching;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.NettyHttpConstants;

import java.nio.charset.StandardCharsets;

/** Reads a backend's answer as the route's steps left it in the message: status, reason and body. */
final class ForwardedResponses {

    private ForwardedResponses() {}

    static String reasonPhrase(Message message, int status) {
        Object text = message.getHeader(NettyHttpConstants.HTTP_RESPONSE_TEXT);
        return text != null
                ? text.toString()
                : HttpResponseStatus.valueOf(status).reasonPhrase();
    }

    static long size(Object body) {
        if (body == null) {
            return 0;
        }
        if (body instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        if (body instanceof byte[] bytes) {
            return bytes.length;
        }
        if (body instanceof String text) {
            return text.length() * 3L;
        }
        return -1;
    }

    /** The body as the array the store keeps: the one copy a stored response costs. */
    static byte[] bytes(Object body) {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof ByteBuf buf) {
            return ByteBufUtil.getBytes(buf);
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        return ((String) body).getBytes(StandardCharsets.UTF_8);
    }
}
