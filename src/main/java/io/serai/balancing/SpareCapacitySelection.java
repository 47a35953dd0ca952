package io.serai.balancing;

import io.serai.health.LoadReport;
import org.apache.camel.Exchange;

/**
 * Members at random in proportion to the spare capacity they report themselves (ORCA load reports)
 * times their weight: a member at 90% utilization gets a tenth of the share of an idle one. Reports
 * older than {@code reportTtlNanos} are ignored; a member with no fresh report counts as average.
 */
final class SpareCapacitySelection implements MemberSelection {

    /** A saturated member still gets a trickle, so its next report arrives with traffic. */
    private static final double MIN_SPARE = 0.02;

    private final long reportTtlNanos;

    SpareCapacitySelection(long reportTtlNanos) {
        this.reportTtlNanos = reportTtlNanos;
    }

    @Override
    public Member pick(MemberSnapshot available, Exchange exchange) {
        long now = System.nanoTime();
        double[] spare = new double[available.size()];
        double reportedSum = 0;
        int reported = 0;
        for (int i = 0; i < spare.length; i++) {
            Member m = available.get(i);
            LoadReport report = m.health() == null ? null : m.health().freshLoadReport(now, reportTtlNanos);
            if (report == null) {
                spare[i] = -1;
            } else {
                spare[i] = Math.max(MIN_SPARE, report.spareCapacity());
                reportedSum += spare[i];
                reported++;
            }
        }
        double neutral = reported == 0 ? 1.0 : reportedSum / reported;
        for (int i = 0; i < spare.length; i++) {
            spare[i] = (spare[i] < 0 ? neutral : spare[i]) * available.get(i).weightAt(now);
        }
        return WeightedChoice.random(available, spare);
    }
}
