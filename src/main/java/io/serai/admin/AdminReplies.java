package io.serai.admin;

import io.serai.http.HeaderValues;
import io.serai.http.IngressRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.NettyHttpConstants;

import java.util.Map;

/** A short JSON answer from the admin listener; it ends the exchange's route. */
final class AdminReplies {

    private AdminReplies() {}

    static void reply(Exchange exchange, int status, String json) {
        reply(exchange, status, "application/json", json + "\n");
    }

    static void reply(Exchange exchange, int status, String contentType, String body) {
        Message message = exchange.getMessage();
        Map<String, Object> headers = message.getHeaders();
        HeaderValues.clearKeepingChannel(headers);
        headers.put(NettyHttpConstants.HTTP_RESPONSE_CODE, status);
        headers.put("Content-Type", contentType);
        headers.put("Cache-Control", "no-store");
        message.setBody(body);
        exchange.setProperty(IngressRequest.UPSTREAM_ANSWERED, Boolean.TRUE);
        exchange.setRouteStop(true);
    }
}
