package io.serai.balancing;

import org.apache.camel.Exchange;

/**
 * A gate in front of one member besides its health, such as a circuit breaker: a closed gate takes the
 * member out of the available snapshot as an unhealthy member is, and a gate may refuse one request
 * (a half-open breaker whose probes are all out) and wants to know how each call ended.
 */
public interface MemberGate {

    /** False while the gate keeps every request away from the member. */
    boolean isPassable();

    /** Asks to send one request; a true answer must be followed by {@link #completed}. */
    boolean tryAcquire();

    /** How the call let through by {@link #tryAcquire} ended, {@code elapsedNanos} after it began. */
    void completed(Exchange exchange, long elapsedNanos);

    /** Seconds until the gate may let requests through again; 0 when it does now. */
    long retryAfterSeconds();

    void addListener(Runnable onChange);

    void removeListener(Runnable onChange);
}
