package io.serai.balancing;

import org.apache.camel.Exchange;

import java.util.concurrent.atomic.AtomicInteger;

/** Each available member in turn. */
final class RoundRobinSelection implements MemberSelection {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Member pick(MemberSnapshot available, Exchange exchange) {
        return available.get(Math.floorMod(next.getAndIncrement(), available.size()));
    }
}
