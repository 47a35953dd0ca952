package io.serai.balancing;

import io.serai.health.MemberOptions;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A member's limit and gate decide whether it takes one more request, without sockets. */
class AdmissionTest {

    private static Member limited(int index, int maxConcurrent) {
        return new Member(
                index,
                "m" + index,
                null,
                null,
                new MemberOptions(null, null, maxConcurrent, Duration.ofSeconds(1), Duration.ZERO),
                1,
                null);
    }

    @Test
    void aMemberAtItsMaxConcurrentRefusesAndAnotherWithRoomIsFound() {
        Member a = limited(0, 1);
        Member b = limited(1, 1);
        assertTrue(Admission.admits(a));
        assertFalse(Admission.admits(a), "one in flight is a's limit");
        assertSame(b, Admission.another(MemberSnapshot.of(a, b), a));
        assertNull(Admission.another(MemberSnapshot.of(a, b), a), "b is full now too");
        assertEquals(1, a.inFlight());
    }

    @Test
    void aGateThatRefusesGivesBackThePlaceTheLimitReserved() {
        Member a = limited(0, 2);
        a.gate(new RefusingGate());
        assertFalse(Admission.admits(a));
        assertEquals(0, a.inFlight(), "nothing counted for a refused request");
    }

    private static final class RefusingGate implements MemberGate {
        @Override
        public boolean isPassable() {
            return true;
        }

        @Override
        public boolean tryAcquire() {
            return false;
        }

        @Override
        public void completed(Exchange exchange, long elapsedNanos) {}

        @Override
        public long retryAfterSeconds() {
            return 0;
        }

        @Override
        public void addListener(Runnable onChange) {}

        @Override
        public void removeListener(Runnable onChange) {}
    }
}
