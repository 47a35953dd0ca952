package io.serai.upstream;

import io.serai.health.BackendHealth;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * Which address of its name an endpoint's producer sends one exchange to, and whose health and meters
 * the call counts for: set by a load balancer's member of a {@code resolve=all} endpoint around the
 * route's own output, so the call still goes through that step (its producer, tracing and errors).
 */
public record AddressPin(Endpoint endpoint, UpstreamTarget target, BackendHealth health) {

    private static final String PROPERTY = "serai.upstream.addressPin";

    /**
     * A processor that sends through {@code output} (a step that ends in {@code endpoint}) to {@code target}'s
     * pinned address, counting the call for {@code health}.
     */
    public static AsyncProcessor around(
            AsyncProcessor output, Endpoint endpoint, UpstreamTarget target, BackendHealth health) {
        AddressPin pin = new AddressPin(endpoint, target, health);
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                exchange.setProperty(PROPERTY, pin);
                return output.process(exchange, doneSync -> {
                    exchange.removeProperty(PROPERTY);
                    callback.done(doneSync);
                });
            }

            @Override
            public String toString() {
                return output + " at " + target;
            }
        };
    }

    /** The pin on {@code exchange} for {@code endpoint}'s producer, or null (a pin for another step is not its). */
    static AddressPin of(Exchange exchange, Endpoint endpoint) {
        AddressPin pin = exchange.getProperty(PROPERTY, AddressPin.class);
        return pin != null && pin.endpoint() == endpoint ? pin : null;
    }
}
