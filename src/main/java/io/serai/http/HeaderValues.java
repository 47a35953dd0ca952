package io.serai.http;

import org.apache.camel.component.netty.NettyConstants;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Camel message headers hold one value per name; a repeated HTTP field becomes a list, in arrival order. */
public final class HeaderValues {

    private HeaderValues() {}

    @SuppressWarnings("unchecked")
    public static void append(Map<String, Object> headers, String name, String value) {
        Object existing = headers.get(name);
        if (existing == null) {
            headers.put(name, value);
        } else if (existing instanceof List<?> list) {
            ((List<Object>) list).add(value);
        } else {
            List<Object> values = new ArrayList<>(2);
            values.add(existing);
            values.add(value);
            headers.put(name, values);
        }
    }

    /**
     * Empties a message's headers for an answer, but keeps the client's channel context so that a later
     * call in the same exchange stays on the client's event loop.
     */
    public static void clearKeepingChannel(Map<String, Object> headers) {
        Object inbound = headers.get(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT);
        headers.clear();
        if (inbound != null) {
            headers.put(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT, inbound);
        }
    }
}
