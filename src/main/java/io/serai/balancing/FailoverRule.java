package io.serai.balancing;

import io.netty.handler.codec.http.HttpMethod;
import io.serai.http.IngressRequest;
import io.serai.http.UpstreamException;
import org.apache.camel.Exchange;

import java.util.List;
import java.util.Set;

/**
 * When a failed request may go to the next member, nginx's {@code proxy_next_upstream error} rule:
 * always when the member could not be connected or its TLS handshake failed (it never saw the
 * request); when the request was sent but no byte of a response came back, only for idempotent
 * methods, or for any method when the route sets the exchange property
 * {@value #NON_IDEMPOTENT_PROPERTY} to true; never once a response has started, and never after a
 * time-out (a slow member would then get the request twice).
 */
final class FailoverRule {

    /** Exchange property by which a route allows failover of POST and PATCH requests. */
    static final String NON_IDEMPOTENT_PROPERTY = "seraiFailoverNonIdempotent";

    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    private final List<Class<?>> otherFailures;

    /** {@code otherFailures}: exception types of outputs that are not netty-http backends, also failed over. */
    FailoverRule(List<Class<?>> otherFailures) {
        this.otherFailures = List.copyOf(otherFailures);
    }

    boolean allows(Exception failure, Exchange exchange) {
        if (failure instanceof UpstreamException upstream) {
            return switch (upstream.kind()) {
                case CONNECT_FAILED, TLS_HANDSHAKE -> true;
                case NO_RESPONSE ->
                    isIdempotent(exchange)
                            || Boolean.TRUE.equals(exchange.getProperty(NON_IDEMPOTENT_PROPERTY, Boolean.class));
                default -> false;
            };
        }
        return otherFailures.stream().anyMatch(type -> type.isInstance(failure));
    }

    private static boolean isIdempotent(Exchange exchange) {
        Object method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD);
        if (method == null) {
            IngressRequest ingress = IngressRequest.of(exchange);
            method = ingress == null ? HttpMethod.GET : ingress.method();
        }
        return IDEMPOTENT.contains(method.toString());
    }
}
