package io.serai.balancing;

import java.util.Arrays;
import java.util.List;

/**
 * The members of one load balancer that are available at one moment, in route order: never changed,
 * only replaced by {@link MemberSet} when a member's health or gate changes. In-flight counts and
 * latency estimates are read live from the members themselves.
 */
final class MemberSnapshot {

    static final MemberSnapshot EMPTY = new MemberSnapshot(new Member[0]);

    private final Member[] members;
    private final boolean slowStarts;
    private final long slowStartsEndNanos;

    private MemberSnapshot(Member[] members) {
        this.members = members;
        boolean any = false;
        long end = 0;
        for (Member m : members) {
            if (m.slowStartNanos() > 0) {
                long mine = m.rampStartNanos() + m.slowStartNanos();
                end = !any || mine - end > 0 ? mine : end;
                any = true;
            }
        }
        this.slowStarts = any;
        this.slowStartsEndNanos = end;
    }

    /** A snapshot of exactly these members, in this order. */
    static MemberSnapshot of(Member... members) {
        return members.length == 0 ? EMPTY : new MemberSnapshot(members.clone());
    }

    int size() {
        return members.length;
    }

    boolean isEmpty() {
        return members.length == 0;
    }

    Member get(int i) {
        return members[i];
    }

    /**
     * Whether some member may still be in its slow start at {@code nowNanos}: its policy then reads
     * {@link Member#weightAt} instead of the fixed weights it derived from the snapshot.
     */
    boolean slowStarting(long nowNanos) {
        return slowStarts && nowNanos - slowStartsEndNanos < 0;
    }

    /** Every member's weight at {@code nowNanos}, in snapshot order. */
    double[] weightsAt(long nowNanos) {
        double[] w = new double[members.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = members[i].weightAt(nowNanos);
        }
        return w;
    }

    List<Member> asList() {
        return List.of(members);
    }

    /** This snapshot without the members already {@code tried}, or this one when that would leave none. */
    MemberSnapshot untried(TriedMembers tried) {
        if (tried == null || tried.isEmpty()) {
            return this;
        }
        Member[] left = Arrays.stream(members).filter(m -> !tried.contains(m)).toArray(Member[]::new);
        return left.length == 0 || left.length == members.length ? this : new MemberSnapshot(left);
    }

    /** True when some member of this snapshot is not among {@code tried}. */
    boolean hasUntried(TriedMembers tried) {
        return Arrays.stream(members).anyMatch(m -> !tried.contains(m));
    }

    @Override
    public String toString() {
        return Arrays.toString(members);
    }
}
