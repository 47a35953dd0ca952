package io.serai.balancing;

import io.serai.health.MemberOptions;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

/** Throwaway timing of a policy's per-request work (pick + the completion hook). */
public class ChoiceCost {
    public static void main(String[] args) {
        MemberSelection[] policies = {
            new RoundRobinSelection(),
            new LeastConnectionsSelection(),
            new PeakEwmaSelection(2_000_000_000L, 1_000_000_000L)
        };
        Exchange exchange = new DefaultExchange((CamelContext) null);
        for (int round = 0; round < 3; round++) {
            for (MemberSelection p : policies) {
                Member[] m = new Member[3];
                for (int i = 0; i < 3; i++) {
                    m[i] = new Member(
                            i, "http://10.0.0." + i, null, null, MemberOptions.NONE, 1, p.newLatencyEstimate());
                }
                MemberSnapshot snapshot = MemberSnapshot.of(m);
                int n = 20_000_000;
                long sink = 0;
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    Member c = p.pick(snapshot, exchange);
                    c.started();
                    long now = System.nanoTime();
                    p.finished(c, 300_000, now, exchange);
                    c.finished();
                    sink += c.index();
                }
                double ns = (System.nanoTime() - start) / (double) n;
                System.out.printf("%s: %.0f ns per request (%d)%n", p.getClass().getSimpleName(), ns, sink % 7);
            }
        }
    }
}
