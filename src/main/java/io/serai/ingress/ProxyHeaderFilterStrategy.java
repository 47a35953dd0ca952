package io.serai.ingress;

import io.serai.http.HopByHopHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Header filter for netty-http endpoints: keeps Camel-internal and hop-by-hop headers out of both
 * directions with plain string checks. Camel's default strategy matches regular expressions per
 * header per request, which profiling showed to be a large share of the proxy's CPU.
 */
public class ProxyHeaderFilterStrategy implements HeaderFilterStrategy {

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return filtered(headerName);
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return filtered(headerName);
    }

    private static boolean filtered(String name) {
        return HopByHopHeaders.isCamelInternal(name) || HopByHopHeaders.isAlwaysHopByHop(name);
    }
}
