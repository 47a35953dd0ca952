package io.serai.balancing;

import io.serai.camel.MeterRegistries;
import io.serai.http.RouteIds;
import io.serai.http.body.BodyStream;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a request can be sent again (a retry, a failover to another member) as far as its body goes:
 * a streamed body is kept only up to serai.stream.replay-buffer, so once more than that has gone to a
 * backend it cannot be sent whole again. A try not made for that reason is logged and counted
 * ({@code serai_retries_skipped_total{reason="request-body"}}), as Envoy's retry buffer overflow is.
 */
public final class BodyReplay {

    private static final Logger LOG = LoggerFactory.getLogger(BodyReplay.class);

    private BodyReplay() {}

    /**
     * True when {@code body} (the request's, as it first went) can be sent again; otherwise logs that
     * {@code what} (a retry, a failover) after {@code failure} is not made, counts it, and returns false.
     */
    public static boolean possible(Exchange exchange, Object body, String what, String failure) {
        if (!(body instanceof BodyStream stream) || stream.canBeSentAgain()) {
            return true;
        }
        String route = RouteIds.of(exchange);
        LOG.info(
                "route {}: no {} after {}: more of the request body than serai.stream.replay-buffer had gone to "
                        + "the backend, so it cannot be sent again",
                route,
                what,
                failure);
        MeterRegistries.count(
                exchange.getContext(),
                "serai.retries.skipped",
                "Retries due but not made, by reason",
                "route",
                route,
                "reason",
                "request-body");
        return false;
    }
}
