package io.serai.balancing;

/**
 * A member's response time as Finagle's and Linkerd's peak EWMA: a slower sample is taken at once,
 * faster ones pull the estimate down with weight {@code 1 - exp(-elapsed/decay)}, and reading it
 * decays it toward zero with the time that passed, so a member that was slow and got no traffic
 * since is tried again after a while. Written by hand: no library we use has one.
 */
final class PeakEwma {

    private final double decayNanos;
    private double estimateNanos;
    private long stampNanos;

    PeakEwma(long decayNanos) {
        this.decayNanos = decayNanos;
        this.stampNanos = System.nanoTime();
    }

    synchronized void observe(long sampleNanos, long nowNanos) {
        double keep = keep(nowNanos);
        estimateNanos = sampleNanos > estimateNanos ? sampleNanos : estimateNanos * keep + sampleNanos * (1 - keep);
        stampNanos = nowNanos;
    }

    synchronized double estimateNanos(long nowNanos) {
        return estimateNanos * keep(nowNanos);
    }

    /** How much of the old estimate survives the time since the last sample. */
    private double keep(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - stampNanos);
        return Math.exp(-elapsed / decayNanos);
    }
}
