package io.serai.balancing;

import io.serai.health.MemberOptions;

/** Throwaway timing of a policy's per-request work (choose + the completion hook). */
public class ChoiceCost {
    public static void main(String[] args) {
        Member[] m = new Member[3];
        for (int i = 0; i < 3; i++) {
            m[i] = new Member(i, "http://10.0.0." + i, null, null, MemberOptions.NONE, 1, new PeakEwma(2_000_000_000L));
        }
        HealthAwareLoadBalancer[] policies = {new RoundRobinLoadBalancer(), new LeastConnectionsLoadBalancer(),
            new LatencyAwareLoadBalancer()};
        for (int round = 0; round < 3; round++) {
            for (HealthAwareLoadBalancer p : policies) {
                int n = 20_000_000;
                long sink = 0;
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    Member c = p.choose(m, null);
                    c.started();
                    long now = System.nanoTime();
                    p.finished(c, 300_000, now, new org.apache.camel.support.DefaultExchange((org.apache.camel.CamelContext) null));
                    c.finished();
                    sink += c.index();
                }
                double ns = (System.nanoTime() - start) / (double) n;
                System.out.printf("%s: %.0f ns per request (%d)%n", p.getClass().getSimpleName(), ns, sink % 7);
            }
        }
    }
}
