package io.serai.balancing;

import org.apache.camel.Exchange;

import java.util.concurrent.ThreadLocalRandom;

/** An available member at random. */
final class RandomSelection implements MemberSelection {

    @Override
    public Member pick(MemberSnapshot available, Exchange exchange) {
        return available.get(ThreadLocalRandom.current().nextInt(available.size()));
    }
}
