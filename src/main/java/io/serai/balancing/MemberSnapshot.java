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

    private MemberSnapshot(Member[] members) {
        this.members = members;
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
