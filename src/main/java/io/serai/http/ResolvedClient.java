package io.serai.http;

import org.apache.camel.Exchange;

import java.net.InetSocketAddress;

/**
 * Who sent a request, decided once in the ingress binding: {@code peer} is the connection's peer as
 * Serai believes it (the TCP peer or what a PROXY protocol header said), {@code client} the address
 * behind it when the peer is a trusted proxy ({@code serai.trusted-proxies}), else the peer itself.
 * Every feature that keys on the client (access checks, rate limits, sticky balancing, the access log)
 * reads this one decision.
 */
public record ResolvedClient(InetSocketAddress peer, InetSocketAddress client) {

    /** Exchange property holding this record. */
    public static final String PROPERTY = "SeraiResolvedClient";

    /** Exchange property holding {@code client}'s address as text, e.g. {@code 203.0.113.7}, for routes. */
    public static final String CLIENT_ADDRESS = "seraiClientAddress";

    /** The record of {@code exchange}, or null when it did not come through Serai's ingress. */
    public static ResolvedClient of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, ResolvedClient.class);
    }
}
