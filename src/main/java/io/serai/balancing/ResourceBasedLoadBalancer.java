package io.serai.balancing;

import io.serai.settings.SettingValues;

import java.time.Duration;

/**
 * Members weighted by the spare capacity they report themselves (ORCA {@code endpoint-load-metrics},
 * on their responses or from a polled {@code loadReportPath}), see {@link SpareCapacitySelection}.
 * Reports older than {@code reportTtl} are ignored; configured {@code weights} multiply in.
 * Bean name {@code resourceBased}.
 */
public class ResourceBasedLoadBalancer extends HealthAwareLoadBalancer {

    private String reportTtl = "10s";
    private long reportTtlNanos = Duration.ofSeconds(10).toNanos();

    /** How long a load report counts before the member falls back to an average weight. */
    public void setReportTtl(String reportTtl) {
        this.reportTtlNanos =
                SettingValues.duration("resourceBased reportTtl", reportTtl).toNanos();
        this.reportTtl = reportTtl;
    }

    public String getReportTtl() {
        return reportTtl;
    }

    @Override
    MemberSelection newSelection() {
        return new SpareCapacitySelection(reportTtlNanos);
    }

    @Override
    public ResourceBasedLoadBalancer copy() {
        ResourceBasedLoadBalancer copy = withCommonSettings(new ResourceBasedLoadBalancer());
        copy.setReportTtl(reportTtl);
        return copy;
    }
}
