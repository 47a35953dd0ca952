package io.serai.security;

import io.serai.ingress.HeaderValues;
import io.serai.ingress.IngressRequest;
import io.serai.metrics.SeraiMeters;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.http.NettyHttpConstants;

import java.util.Map;

/**
 * An access check, declared as a bean and used as a route step ({@code - process: {ref: <bean>}})
 * before the steps that call a backend. A refused request is answered here (401 with
 * {@code WWW-Authenticate}, or 403, each with a short reason) and the route stops, so nothing
 * unauthenticated reaches a backend. A check removes the credential it read from what is forwarded
 * unless the route sets {@code forwardCredentials: true}; the access log never writes header values
 * or queries, so credentials are never logged.
 */
public abstract class AccessCheck implements Processor {

    private boolean forwardCredentials;
    private volatile SeraiMeters meters;

    public void setForwardCredentials(boolean forwardCredentials) {
        this.forwardCredentials = forwardCredentials;
    }

    public boolean isForwardCredentials() {
        return forwardCredentials;
    }

    /** The check's name in the refusal metric, such as {@code api-key}. */
    protected abstract String kind();

    /**
     * Decides on the request in {@code exchange}. When it allows the request it also removes the
     * credential it read, unless {@link #isForwardCredentials()}, and adds what it passes on.
     */
    protected abstract Verdict check(Exchange exchange);

    @Override
    public final void process(Exchange exchange) {
        Verdict verdict = check(exchange);
        if (verdict.allowed()) {
            return;
        }
        refuse(exchange, verdict);
        exchange.setRouteStop(true);
        SeraiMeters m = meters(exchange);
        if (m != null) {
            m.accessRefused(exchange.getFromRouteId(), kind(), verdict.status());
        }
    }

    /** Answers {@code exchange} with the refusal, dropping everything the client sent. */
    static void refuse(Exchange exchange, Verdict verdict) {
        Message message = exchange.getMessage();
        Map<String, Object> headers = message.getHeaders();
        HeaderValues.clearKeepingChannel(headers);
        headers.put(NettyHttpConstants.HTTP_RESPONSE_CODE, verdict.status());
        headers.put("Content-Type", "text/plain; charset=utf-8");
        headers.put("Cache-Control", "no-store");
        if (verdict.challenge() != null) {
            headers.put("WWW-Authenticate", verdict.challenge());
        }
        String title = verdict.status() == 401 ? "401 Unauthorized" : "403 Forbidden";
        message.setBody(title + ": " + verdict.reason() + "\n");
        exchange.setProperty(IngressRequest.UPSTREAM_ANSWERED, Boolean.TRUE);
    }

    private SeraiMeters meters(Exchange exchange) {
        SeraiMeters m = meters;
        if (m == null) {
            m = SeraiMeters.of(exchange.getContext());
            meters = m;
        }
        return m;
    }
}
