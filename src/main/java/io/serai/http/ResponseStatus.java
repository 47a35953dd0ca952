package io.serai.http;

import org.apache.camel.Message;
import org.apache.camel.component.netty.http.NettyHttpConstants;

/**
 * The status a message answers with, from {@code CamelHttpResponseCode}: 200 when unset, as Camel's
 * netty-http does; 500 when a route set something that is not a status code.
 */
public final class ResponseStatus {

    private ResponseStatus() {}

    public static int of(Message message) {
        Object code = message.getHeader(NettyHttpConstants.HTTP_RESPONSE_CODE);
        if (code == null) {
            return 200;
        }
        int status = code instanceof Number n ? n.intValue() : parse(code.toString());
        return status >= 100 && status <= 599 ? status : 500;
    }

    /**
     * The status the client gets for {@code exchange} as the route left it: a backend failure's mapped status,
     * 500 for another failure, else the answer's (the access log, metrics and server spans all report this).
     */
    public static int answered(org.apache.camel.Exchange exchange) {
        Exception failure = exchange.getException();
        if (failure instanceof UpstreamException upstream) {
            return upstream.status();
        }
        return failure != null ? 500 : of(exchange.getMessage());
    }

    /** The header's value when it is set but is not a status code (100 to 599); null otherwise. */
    public static String invalid(Message message) {
        Object code = message.getHeader(NettyHttpConstants.HTTP_RESPONSE_CODE);
        if (code == null) {
            return null;
        }
        int status = code instanceof Number n ? n.intValue() : parse(code.toString());
        return status >= 100 && status <= 599 ? null : code.toString();
    }

    private static int parse(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
