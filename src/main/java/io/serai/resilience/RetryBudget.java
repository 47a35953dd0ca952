package io.serai.resilience;

/**
 * How many retries a route may make (Linkerd's and Finagle's retry budget): over the last
 * {@code window} seconds, at most {@code ratio} of the requests plus {@code minPerSecond} per second.
 * In a full outage retries therefore add at most that fraction of load, instead of multiplying it.
 * Counted in one-second buckets; a few lines, so written here rather than pulled in.
 */
final class RetryBudget {

    private final double ratio;
    private final int minPerSecond;
    private final long[] requests;
    private final long[] retries;
    private final long[] second;

    RetryBudget(double ratio, int minPerSecond, int windowSeconds) {
        this.ratio = ratio;
        this.minPerSecond = minPerSecond;
        this.requests = new long[windowSeconds];
        this.retries = new long[windowSeconds];
        this.second = new long[windowSeconds];
        java.util.Arrays.fill(second, Long.MIN_VALUE / 2);
    }

    synchronized void request(long nowNanos) {
        requests[bucket(nowNanos / 1_000_000_000L)]++;
    }

    /** True (and counted) when one more retry fits the budget now. */
    synchronized boolean tryRetry(long nowNanos) {
        long now = nowNanos / 1_000_000_000L;
        int b = bucket(now);
        long sent = 0;
        long retried = 0;
        for (int i = 0; i < requests.length; i++) {
            if (now - second[i] < requests.length) {
                sent += requests[i];
                retried += retries[i];
            }
        }
        if (retried + 1 > ratio * sent + (long) minPerSecond * requests.length) {
            return false;
        }
        retries[b]++;
        return true;
    }

    /** The bucket that counts second {@code now}, emptied first if it counted an older second. */
    private int bucket(long now) {
        int b = (int) Math.floorMod(now, (long) second.length);
        if (second[b] != now) {
            requests[b] = 0;
            retries[b] = 0;
            second[b] = now;
        }
        return b;
    }
}
