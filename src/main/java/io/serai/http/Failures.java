package io.serai.http;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;

/** Clears a failed call from an exchange, so the same request can be sent again or answered otherwise. */
public final class Failures {

    private Failures() {}

    /** The exception and the marks Camel's error handling left with it go; the message stays. */
    public static void clear(Exchange exchange) {
        exchange.setException(null);
        exchange.getExchangeExtension().setRedeliveryExhausted(false);
        exchange.getExchangeExtension().setErrorHandlerHandled(null);
        exchange.removeProperty(ExchangePropertyKey.EXCEPTION_CAUGHT);
        exchange.removeProperty(ExchangePropertyKey.FAILURE_ENDPOINT);
        exchange.removeProperty(ExchangePropertyKey.FAILURE_ROUTE_ID);
    }
}
