package io.serai.health;

import org.apache.camel.AsyncProcessor;

/**
 * One address of a backend whose name stands for all its addresses ({@code resolve=all}, a Kubernetes
 * headless Service): a load-balancer member of its own, with the processor that sends to that address,
 * its own health (named {@code http://name:port (address)}) and the client its health checks go out on.
 */
public record AddressMember(AsyncProcessor processor, BackendHealth health, ProbeClient probes) {

    /** The member's name, as metrics and the access log show it. */
    public String name() {
        return health.backend();
    }
}
