package io.serai.http.body;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.apache.camel.Exchange;
import org.apache.camel.TypeConversionException;
import org.apache.camel.support.TypeConverterSupport;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Lets a route's own steps read a {@link BodyStream} as bytes, text or a stream, when the body is here
 * whole. A body that is still streaming cannot be read whole without holding the event loop that brings
 * it: the conversion fails, naming the route option that holds bodies whole for such routes.
 */
public final class BodyStreamConverter extends TypeConverterSupport {

    @Override
    public <T> T convertTo(Class<T> type, Exchange exchange, Object value) throws TypeConversionException {
        BodyStream stream = (BodyStream) value;
        if (!stream.isHeld()) {
            throw new TypeConversionException(value, type, new BodyNotHeldException());
        }
        ByteBuf whole = stream.content();
        try {
            byte[] bytes = ByteBufUtil.getBytes(whole);
            Object converted;
            if (type == byte[].class) {
                converted = bytes;
            } else if (type == String.class) {
                converted = new String(bytes, StandardCharsets.UTF_8);
            } else if (type == InputStream.class) {
                converted = new ByteArrayInputStream(bytes);
            } else {
                return null;
            }
            return type.cast(converted);
        } finally {
            whole.release();
        }
    }
}
