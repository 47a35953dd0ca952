package io.serai.balancing;

import io.serai.health.BackendHealth;
import io.serai.health.BackendHealthRegistry;
import io.serai.health.LoadReport;
import io.serai.health.MemberOptions;
import io.serai.health.PassiveHealthSettings;
import io.serai.http.RequestKeys;
import io.serai.http.UpstreamException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The choices each policy makes from a hand-built snapshot of members, without sockets. */
class PolicyChoicesTest {

    private static final Exchange EXCHANGE = new DefaultExchange(new DefaultCamelContext());

    private static Member member(int index, String name, double weight, BackendHealth health) {
        return new Member(
                index,
                name,
                null,
                health,
                MemberOptions.NONE,
                weight,
                new PeakEwma(Duration.ofSeconds(2).toNanos()));
    }

    private static Member member(int index, String name, double weight) {
        return member(index, name, weight, null);
    }

    private static Member[] members(double... weights) {
        Member[] m = new Member[weights.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = member(i, "http://10.0.0." + (i + 1) + ":8080", weights[i]);
        }
        return m;
    }

    /** How many times each member (by index) is picked from {@code snapshot} in {@code n} picks. */
    private static int[] tally(MemberSelection selection, MemberSnapshot snapshot, int members, int n) {
        int[] picks = new int[members];
        for (int i = 0; i < n; i++) {
            picks[selection.pick(snapshot, EXCHANGE).index()]++;
        }
        return picks;
    }

    static Stream<Arguments> everyPolicy() {
        return Stream.of(
                Arguments.of("random and weighted", new WeightedSelection(false)),
                Arguments.of("round robin and smooth weighted round robin", new WeightedSelection(true)),
                Arguments.of("least connections", new LeastConnectionsSelection()),
                Arguments.of(
                        "peak EWMA", new PeakEwmaSelection(Duration.ofSeconds(2).toNanos(), 1_000_000_000L)),
                Arguments.of(
                        "spare capacity",
                        new SpareCapacitySelection(Duration.ofSeconds(10).toNanos())),
                Arguments.of("rendezvous hash", new RendezvousHashSelection(RequestKeys::clientAddress)),
                Arguments.of("failover", new FailoverSelection(true, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyPolicy")
    void everyPolicyPicksOnlyFromTheSnapshotItIsGivenAndReachesEachMember(String name, MemberSelection selection) {
        Member[] all = members(1, 1, 1, 1);
        MemberSnapshot withoutSecond = MemberSnapshot.of(all[0], all[2], all[3]);
        assertSame(all[1], selection.pick(MemberSnapshot.of(all[1]), EXCHANGE), "the only member");
        int[] picks = tally(selection, withoutSecond, 4, 300);
        assertEquals(0, picks[1], name + " picked a member outside its snapshot: " + Arrays.toString(picks));
        boolean keyed = selection instanceof RendezvousHashSelection || selection instanceof FailoverSelection;
        if (!keyed) {
            assertTrue(
                    picks[0] > 0 && picks[2] > 0 && picks[3] > 0,
                    name + " left a member out: " + Arrays.toString(picks));
        }
    }

    @Test
    void roundRobinTakesEachMemberInTurn() {
        Member[] m = members(1, 1, 1);
        MemberSelection rr = new WeightedSelection(true);
        MemberSnapshot snapshot = MemberSnapshot.of(m);
        int[] order = new int[6];
        for (int i = 0; i < order.length; i++) {
            order[i] = rr.pick(snapshot, EXCHANGE).index();
        }
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, order);
    }

    @Test
    void smoothWeightedRoundRobinSpreadsFourTwoOneLikeNginx() {
        assertArrayEquals(
                new int[] {0, 1, 0, 2, 0, 1, 0}, WeightedChoice.smoothSchedule(new double[] {4, 2, 1}, 10_000));
        MemberSelection weighted = new WeightedSelection(true);
        MemberSnapshot snapshot = MemberSnapshot.of(members(4, 2, 1));
        int[] order = new int[7];
        for (int i = 0; i < order.length; i++) {
            order[i] = weighted.pick(snapshot, EXCHANGE).index();
        }
        assertArrayEquals(new int[] {0, 1, 0, 2, 0, 1, 0}, order);
    }

    @Test
    void hugeWeightsAreScaledToABoundedCycle() {
        int[] cycle = WeightedChoice.smoothSchedule(new double[] {1_000_000, 1}, 10_000);
        assertTrue(cycle.length <= 10_001, "cycle of " + cycle.length);
        assertTrue(Arrays.stream(cycle).anyMatch(i -> i == 1), "the light member still gets a turn");
    }

    @Test
    void weightedRandomKeepsItsProportionsAmongTheMembersThatAreLeft() {
        Member[] m = members(3, 5, 1);
        MemberSelection weighted = new WeightedSelection(false);
        int[] picks = tally(weighted, MemberSnapshot.of(m[0], m[2]), 3, 8_000);
        double share = picks[0] / 8_000.0;
        assertTrue(share > 0.70 && share < 0.80, "3:1 among the two left: " + Arrays.toString(picks));
    }

    @Test
    void consistentHashingMovesOnlyTheKeysOfTheMemberThatLeft() {
        Member[] all = members(1, 1, 1, 1, 1);
        MemberSnapshot withoutThird = MemberSnapshot.of(all[0], all[1], all[3], all[4]);
        MemberSelection policy = new RendezvousHashSelection(RequestKeys.parse("header:X-User", "key"));
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        Map<String, Member> before = new HashMap<>();
        int[] perMember = new int[5];
        for (int k = 0; k < 10_000; k++) {
            exchange.getMessage().setHeader("X-User", "user-" + k);
            Member m = policy.pick(MemberSnapshot.of(all), exchange);
            before.put("user-" + k, m);
            perMember[m.index()]++;
        }
        for (int count : perMember) {
            assertTrue(count > 1_700 && count < 2_300, "even share: " + Arrays.toString(perMember));
        }
        int moved = 0;
        for (int k = 0; k < 10_000; k++) {
            exchange.getMessage().setHeader("X-User", "user-" + k);
            Member now = policy.pick(withoutThird, exchange);
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
        Member[] m = members(1, 1, 1);
        MemberSelection policy = new LeastConnectionsSelection();
        m[0].started();
        m[1].started();
        assertSame(m[2], policy.pick(MemberSnapshot.of(m), EXCHANGE));
        m[2].started();
        for (int p : tally(policy, MemberSnapshot.of(m), 3, 3_000)) {
            assertTrue(p > 800, "ties are shared");
        }
    }

    @Test
    void weightedLeastConnectionsDividesByWeight() {
        Member heavy = member(0, "a", 4);
        Member light = member(1, "b", 1);
        for (int i = 0; i < 3; i++) {
            heavy.started();
        }
        light.started();
        assertSame(
                heavy,
                new LeastConnectionsSelection().pick(MemberSnapshot.of(heavy, light), EXCHANGE),
                "3/4 in flight beats 1/1");
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
    void latencyAwarePicksTheFasterOfTwoMembersAndCountsAFailureAsItsPenalty() {
        PeakEwmaSelection policy = new PeakEwmaSelection(Duration.ofSeconds(2).toNanos(), 500_000_000L);
        Member fast = member(0, "fast", 1);
        Member slow = member(1, "slow", 1);
        long now = System.nanoTime();
        fast.latency().observe(1_000_000, now);
        slow.latency().observe(80_000_000, now);
        for (int i = 0; i < 100; i++) {
            assertSame(fast, policy.pick(MemberSnapshot.of(fast, slow), EXCHANGE));
        }
        Exchange failed = new DefaultExchange(new DefaultCamelContext());
        failed.setException(new UpstreamException(502, UpstreamException.Kind.CONNECT_FAILED, "refused", 0, null));
        policy.finished(fast, 1_000_000, System.nanoTime(), failed);
        assertTrue(fast.latency().estimateNanos(System.nanoTime()) > 400_000_000, "a failure counts as 500ms");
        assertSame(slow, policy.pick(MemberSnapshot.of(fast, slow), EXCHANGE));
    }

    @Test
    void spareCapacitySendsLessToTheBusyMemberAndWeighsMembersWithoutReportsAsAverage() {
        BackendHealthRegistry registry = new BackendHealthRegistry(
                new DefaultCamelContext(),
                new PassiveHealthSettings(0, Duration.ofSeconds(30), Duration.ofMinutes(5), 50));
        BackendHealth busy = registry.of("http://busy:80");
        BackendHealth idle = registry.of("http://idle:80");
        busy.reportLoad(new LoadReport(0.9, System.nanoTime()));
        idle.reportLoad(new LoadReport(0.0, System.nanoTime()));
        Member[] m = {member(0, "busy", 1, busy), member(1, "idle", 1, idle), member(2, "silent", 1, null)};
        MemberSelection policy =
                new SpareCapacitySelection(Duration.ofSeconds(10).toNanos());
        int[] picks = tally(policy, MemberSnapshot.of(m), 3, 12_000);
        // Spare 0.1, 1.0 and their average 0.55: shares of 1/16.5, 10/16.5 and 5.5/16.5.
        assertTrue(picks[0] > 400 && picks[0] < 1_100, "busy: " + Arrays.toString(picks));
        assertTrue(picks[1] > 6_700 && picks[1] < 7_800, "idle: " + Arrays.toString(picks));
        assertTrue(picks[2] > 3_500 && picks[2] < 4_500, "silent: " + Arrays.toString(picks));
    }

    @Test
    void failoverStartsAtTheFirstMemberRotatesWithRoundRobinAndSticksToTheLastThatAnswered() {
        Member[] m = members(1, 1, 1);
        MemberSnapshot snapshot = MemberSnapshot.of(m);
        assertEquals(0, new FailoverSelection(false, false).first(snapshot));
        FailoverSelection rotating = new FailoverSelection(true, false);
        assertArrayEquals(new int[] {0, 1, 2, 0}, new int[] {
            rotating.first(snapshot), rotating.first(snapshot), rotating.first(snapshot), rotating.first(snapshot)
        });
        FailoverSelection sticky = new FailoverSelection(false, true);
        sticky.answered(m[2]);
        assertSame(m[2], sticky.pick(snapshot, EXCHANGE));
        assertSame(m[0], sticky.pick(MemberSnapshot.of(m[0], m[1]), EXCHANGE), "the sticky member left: the first");
    }

    @Test
    void aRetryGoesToAMemberNotYetTriedWhileThereIsOne() {
        Member[] m = members(1, 1, 1);
        MemberSnapshot snapshot = MemberSnapshot.of(m);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        TriedMembers tried = TriedMembers.startOn(exchange);
        assertSame(tried, TriedMembers.of(exchange));
        tried.add(m[0]);
        tried.add(m[2]);
        assertEquals("[" + m[1] + "]", snapshot.untried(tried).toString());
        tried.add(m[1]);
        assertSame(snapshot, snapshot.untried(tried), "every member tried: all of them again");
    }
}
