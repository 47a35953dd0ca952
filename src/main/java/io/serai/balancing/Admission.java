package io.serai.balancing;

import io.serai.http.UpstreamException;
import org.apache.camel.Exchange;

/**
 * Whether a member takes one more request now (under its {@code maxConcurrent}, through its gate),
 * and the wait for room when no member does: a request then waits, without a thread, until a call
 * ends or its {@code maxWait} is up. One per load balancer, made when it starts.
 */
final class Admission {

    /** At most this many requests wait for room in one balancer; more get 503 at once. */
    private static final int MAX_WAITING = 10_000;

    /** Requests waiting for a member under its {@code maxConcurrent}; null when no member has a limit. */
    private final WaitQueue waiting;

    private final long maxWaitMillis;

    private Admission(WaitQueue waiting, long maxWaitMillis) {
        this.waiting = waiting;
        this.maxWaitMillis = maxWaitMillis;
    }

    /** For {@code members}: a queue and the longest {@code maxWait} when some member has a limit, else none. */
    static Admission of(MemberSet members) {
        return members.anyLimited()
                ? new Admission(new WaitQueue(MAX_WAITING), members.longestWaitMillis())
                : new Admission(null, 0);
    }

    /** When a request that arrives now stops waiting for room. */
    long deadline() {
        return System.nanoTime() + maxWaitMillis * 1_000_000;
    }

    /**
     * True when {@code member}'s limit and gate (if any) let this request through; it is then counted
     * there, and the request must go to it.
     */
    static boolean admits(Member member) {
        int limit = member.options().maxConcurrent();
        if (limit > 0 && !member.reserve(limit)) {
            return false;
        }
        if (member.gate() == null || member.gate().tryAcquire()) {
            return true;
        }
        if (limit > 0) {
            member.finished();
        }
        return false;
    }

    /** A member of {@code candidates} other than {@code refused} that {@link #admits} this request, or null. */
    static Member another(MemberSnapshot candidates, Member refused) {
        for (int i = 0; i < candidates.size(); i++) {
            Member m = candidates.get(i);
            if (m != refused && admits(m)) {
                return m;
            }
        }
        return null;
    }

    /** False when requests cannot wait here: no member has a {@code maxConcurrent}. */
    boolean queues() {
        return waiting != null;
    }

    /**
     * Every available member is full (or refused by its breaker): the request waits for a call to end
     * and then runs {@code resume}, or runs {@code giveUp} at {@code deadline}. False, and nothing runs,
     * when it cannot wait (no queue, no time left, the queue full).
     */
    boolean waitForRoom(Exchange exchange, long deadline, Runnable resume, Runnable giveUp) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        return waiting != null && left > 0 && waiting.offer(exchange, resume, giveUp, left);
    }

    /** A call ended: the longest-waiting request, if any, tries again. */
    void callEnded() {
        WaitQueue queue = waiting;
        if (queue != null && !queue.isEmpty()) {
            queue.wakeOne();
        }
    }

    /** The failure for a request that waited {@code maxWait} in vain. */
    static UpstreamException atCapacity() {
        return new UpstreamException(
                503,
                UpstreamException.Kind.UNAVAILABLE,
                "no backend available: every member is"
                        + " at its concurrency limit (maxConcurrent) and none had room within maxWait",
                1,
                null);
    }
}
