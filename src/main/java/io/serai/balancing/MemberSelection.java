package io.serai.balancing;

import org.apache.camel.Exchange;

/**
 * How one load-balancing policy picks a member: from an immutable snapshot of the available members,
 * which {@link MemberSet} keeps current, as Armeria's selection strategies pick from an endpoint
 * group. A selection holds its own state (a round-robin position, the last member that answered) but
 * never the members' health, gates or counts.
 */
interface MemberSelection {

    /** The member that takes this exchange; {@code available} is never empty. */
    Member pick(MemberSnapshot available, Exchange exchange);

    /** A call to {@code member} ended, well or not, at {@code endNanos}, {@code elapsedNanos} after it began. */
    default void finished(Member member, long elapsedNanos, long endNanos, Exchange exchange) {}

    /** The response-time estimate this selection needs per member, or null when it reads none. */
    default PeakEwma newLatencyEstimate() {
        return null;
    }
}
