package io.serai.http;

import io.netty.handler.codec.http.HttpResponse;
import org.apache.camel.Exchange;

/**
 * Where a backend's interim responses (1xx other than 100 and 101, e.g. {@code 103 Early Hints}) go: to the
 * exchange's client, at once, ahead of the final response (RFC 9110 section 15.2). The ingress side puts one
 * on the exchange for a client that may receive them; the upstream side, which must not know the client's
 * pipeline, hands it each interim head as it is read. An interim response is never the exchange's answer:
 * nothing caches, logs or merges it.
 */
@FunctionalInterface
public interface InterimResponses {

    /** Exchange property holding the {@link InterimResponses} of the exchange's client, absent when none. */
    String PROPERTY = "seraiInterimResponses";

    /**
     * Writes {@code interim} (a head: 1xx responses have no body) to the client of {@code exchange}, with
     * {@code viaEntry} appended to its Via (RFC 9110 section 7.6.3: a proxy adds Via to each message it
     * forwards); drops it when the client's connection cannot take more now (hints may be dropped, RFC 8297).
     */
    void forward(Exchange exchange, HttpResponse interim, String viaEntry);

    /** The exchange's client's, or null when its client takes no interim responses (HTTP/1.0, no client). */
    static InterimResponses of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, InterimResponses.class);
    }

    /**
     * True for the interim responses a proxy forwards: 1xx but neither 100 (Serai answers a client's
     * {@code Expect: 100-continue} itself, so a backend's 100 would be a second one) nor 101 (the switch to
     * another protocol, which is the final answer of an upgrade).
     */
    static boolean isForwarded(int status) {
        return status > 101 && status < 200;
    }
}
