package io.serai.balancing;

import org.apache.camel.Exchange;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The contract between a retry and the load balancers inside it: the members one request has already
 * gone to. A retry {@link #startOn starts} it on the exchange; each balancer then sends each try to a
 * member not yet tried while there is one, and records the member it chose.
 *
 * <p>Why an exchange property and not a setting given when Camel builds the route: the memory belongs
 * to one request and lives exactly as long as it, which is what an exchange property is for in Camel;
 * what was loose was the contract, an untyped set under a string both sides spelled. Now both read
 * this one class under its one key, {@value #PROPERTY}.
 */
public final class TriedMembers {

    /** The exchange property that holds a request's {@code TriedMembers}; nothing else is stored there. */
    public static final String PROPERTY = "seraiTriedMembers";

    // Tries of one request run one after the other, each started by the previous one's end.
    private final Set<Member> members = Collections.newSetFromMap(new IdentityHashMap<>());

    private TriedMembers() {}

    /** Starts the memory of tried members for this request (a retry does, before its first try). */
    public static TriedMembers startOn(Exchange exchange) {
        TriedMembers tried = new TriedMembers();
        exchange.setProperty(PROPERTY, tried);
        return tried;
    }

    /**
     * A memory of tried members that only its balancer holds: the members it could not connect to for one
     * request that no retry keeps a memory for.
     */
    static TriedMembers forOneRequest() {
        return new TriedMembers();
    }

    /** The request's memory of tried members, or null when no retry keeps one. */
    static TriedMembers of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, TriedMembers.class);
    }

    boolean contains(Member member) {
        return members.contains(member);
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    void add(Member member) {
        members.add(member);
    }

    /** How many members this request has gone to. */
    public int size() {
        return members.size();
    }
}
