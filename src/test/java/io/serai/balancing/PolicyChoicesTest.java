package io.serai.balancing;

import io.serai.health.MemberOptions;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The choices policies make, on members without sockets. */
class PolicyChoicesTest {

    private static Member member(int index, String name, double weight) {
        return new Member(index, name, null, null, MemberOptions.NONE, weight,
                new PeakEwma(Duration.ofSeconds(2).toNanos()));
    }

    private static Member[] members(int n) {
        Member[] m = new Member[n];
        for (int i = 0; i < n; i++) {
            m[i] = member(i, "http://10.0.0." + (i + 1) + ":8080", 1);
        }
        return m;
    }

    @Test
    void smoothWeightedRoundRobinSpreadsFourTwoOneLikeNginx() {
        assertArrayEquals(new int[] {0, 1, 0, 2, 0, 1, 0}, WeightedChoice.smoothSchedule(new double[] {4, 2, 1}, 10_000));
    }

    @Test
    void hugeWeightsAreScaledToABoundedCycle() {
        int[] cycle = WeightedChoice.smoothSchedule(new double[] {1_000_000, 1}, 10_000);
        assertTrue(cycle.length <= 10_001, "cycle of " + cycle.length);
        assertTrue(Arrays.stream(cycle).anyMatch(i -> i == 1), "the light member still gets a turn");
    }

    @Test
    void consistentHashingMovesOnlyTheKeysOfTheMemberThatLeft() {
        Member[] all = members(5);
        Member[] withoutThird = {all[0], all[1], all[3], all[4]};
        ConsistentHashLoadBalancer policy = new ConsistentHashLoadBalancer();
        policy.setKey("header:X-User");
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        Map<String, Member> before = new HashMap<>();
        int[] perMember = new int[5];
        for (int k = 0; k < 10_000; k++) {
            exchange.getMessage().setHeader("X-User", "user-" + k);
            Member m = policy.choose(all, exchange);
            before.put("user-" + k, m);
            perMember[m.index()]++;
        }
        for (int count : perMember) {
            assertTrue(count > 1_700 && count < 2_300, "even share: " + Arrays.toString(perMember));
        }
        int moved = 0;
        for (int k = 0; k < 10_000; k++) {
            exchange.getMessage().setHeader("X-User", "user-" + k);
            Member now = policy.choose(withoutThird, exchange);
            Member was = before.get("user-" + k);
            if (was != all[2]) {
                assertSame(was, now, "user-" + k + " moved though its member stayed");
            } else {
                moved++;
            }
        }
        assertEquals(perMember[2], moved);
    }

    @Test
    void leastConnectionsPrefersTheIdleMemberAndSharesTiesEvenly() {
        Member[] m = members(3);
        LeastConnectionsLoadBalancer policy = new LeastConnectionsLoadBalancer();
        m[0].started();
        m[1].started();
        assertSame(m[2], policy.choose(m, null));
        m[2].started();
        int[] picks = new int[3];
        for (int i = 0; i < 3_000; i++) {
            picks[policy.choose(m, null).index()]++;
        }
        for (int p : picks) {
            assertTrue(p > 800, "ties are shared: " + Arrays.toString(picks));
        }
    }

    @Test
    void weightedLeastConnectionsDividesByWeight() {
        Member heavy = member(0, "a", 4);
        Member light = member(1, "b", 1);
        LeastConnectionsLoadBalancer policy = new LeastConnectionsLoadBalancer();
        for (int i = 0; i < 3; i++) {
            heavy.started();
        }
        light.started();
        assertSame(heavy, policy.choose(new Member[] {heavy, light}, null), "3/4 in flight beats 1/1");
    }

    @Test
    void peakEwmaTakesASlowSampleAtOnceAndForgetsItWithTime() {
        PeakEwma ewma = new PeakEwma(Duration.ofSeconds(1).toNanos());
        long t = 0;
        ewma.observe(1_000_000, t);
        ewma.observe(100_000_000, t + 1_000);
        assertEquals(100_000_000, ewma.estimateNanos(t + 1_000), 1);
        double later = ewma.estimateNanos(t + Duration.ofSeconds(3).toNanos());
        assertTrue(later < 100_000_000 * 0.06, "decayed to " + later);
    }

    @Test
    void latencyAwarePicksTheFasterOfTwoMembers() {
        LatencyAwareLoadBalancer policy = new LatencyAwareLoadBalancer();
        Member fast = member(0, "fast", 1);
        Member slow = member(1, "slow", 1);
        long now = System.nanoTime();
        fast.latency().observe(1_000_000, now);
        slow.latency().observe(80_000_000, now);
        for (int i = 0; i < 100; i++) {
            assertSame(fast, policy.choose(new Member[] {fast, slow}, null));
        }
    }
}
