package io.serai.balancing;

import io.serai.settings.SettingValues;
import io.serai.health.LoadReport;
import org.apache.camel.Exchange;

import java.time.Duration;

/**
 * Members weighted by the spare capacity they report themselves (ORCA {@code endpoint-load-metrics},
 * on their responses or from a polled {@code loadReportPath}): a member at 90% utilization gets a
 * tenth of the share of an idle one. Reports older than {@code reportTtl} are ignored; a member with
 * no fresh report counts as average. Configured {@code weights} multiply in. Bean name {@code resourceBased}.
 */
public class ResourceBasedLoadBalancer extends HealthAwareLoadBalancer {

    /** A saturated member still gets a trickle, so its next report arrives with traffic. */
    private static final double MIN_SPARE = 0.02;

    private String reportTtl = "10s";
    private long reportTtlNanos = Duration.ofSeconds(10).toNanos();

    /** How long a load report counts before the member falls back to an average weight. */
    public void setReportTtl(String reportTtl) {
        this.reportTtlNanos = SettingValues.duration("resourceBased reportTtl", reportTtl).toNanos();
        this.reportTtl = reportTtl;
    }

    public String getReportTtl() {
        return reportTtl;
    }

    @Override
    protected Member choose(Member[] available, Exchange exchange) {
        long now = System.nanoTime();
        double[] spare = new double[available.length];
        double reportedSum = 0;
        int reported = 0;
        for (int i = 0; i < available.length; i++) {
            LoadReport report = available[i].health() == null ? null
                    : available[i].health().freshLoadReport(now, reportTtlNanos);
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
            spare[i] = (spare[i] < 0 ? neutral : spare[i]) * available[i].weight();
        }
        return WeightedChoice.random(available, spare);
    }

    @Override
    public ResourceBasedLoadBalancer copy() {
        ResourceBasedLoadBalancer copy = withCommonSettings(new ResourceBasedLoadBalancer());
        copy.setReportTtl(reportTtl);
        return copy;
    }
}
