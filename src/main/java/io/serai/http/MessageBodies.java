package io.serai.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.serai.http.body.BodyStream;
import org.apache.camel.Message;

import java.nio.charset.StandardCharsets;

/** A Camel message body as bytes to write to a Netty channel, without copying where it can. */
public final class MessageBodies {

    private MessageBodies() {}

    /** The body that follows the message's head as it arrives, or null when the body is here whole. */
    public static BodyStream streaming(Message message) {
        return message.getBody() instanceof BodyStream stream && !stream.isHeld() ? stream : null;
    }

    /**
     * A buffer the caller owns (and a write releases). A Netty buffer body is shared, not copied: the
     * exchange keeps its own reference and position, so a retry or a second send sees the same body.
     */
    public static ByteBuf toByteBuf(Message message) {
        Object body = message.getBody();
        if (body == null) {
            return Unpooled.EMPTY_BUFFER;
        }
        if (body instanceof ByteBuf buf) {
            return buf.retainedDuplicate();
        }
        if (body instanceof BodyStream stream) {
            // Only a body that is here whole can be a buffer; one that streams is written as it arrives.
            return stream.content();
        }
        if (body instanceof byte[] bytes) {
            return Unpooled.wrappedBuffer(bytes);
        }
        if (body instanceof String text) {
            return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = message.getBody(byte[].class);
        return bytes == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
    }
}
