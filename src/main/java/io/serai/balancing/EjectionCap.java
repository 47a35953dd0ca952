package io.serai.balancing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * One load balancer's cap on passive ejection ({@code serai.health.passive.max-ejection-percent}): ejection
 * is kept per backend and shared by balancers, but each balancer keeps choosing the members beyond its cap,
 * so a route-wide burst of failures never empties a pool. Remembers which members it kept, to log a change once.
 */
final class EjectionCap {

    private static final Logger LOG = LoggerFactory.getLogger(EjectionCap.class);

    private Set<Member> keptDespiteEjection = Set.of();

    /** The ejected members of {@code all} this balancer keeps choosing now; logs those that joined or left. */
    Set<Member> keptIn(String routeId, Member[] all) {
        Set<Member> kept = beyondCap(all);
        log(routeId, kept, all.length);
        return kept;
    }

    void reset() {
        keptDespiteEjection = Set.of();
    }

    /**
     * The ejected members this balancer keeps choosing because more than its cap
     * ({@code serai.health.passive.max-ejection-percent} of its members) are ejected: those ejected
     * last, as Envoy refuses the ejections beyond its cap. Members that are out for another reason too
     * (a failed health check, an open breaker) count neither way.
     */
    private static Set<Member> beyondCap(Member[] all) {
        long now = System.nanoTime();
        List<Member> ejected = Arrays.stream(all)
                .filter(m -> m.isEjected() && m.availableButForEjection())
                .sorted(Comparator.comparingLong(m -> m.health().ejectedSinceNanos() - now))
                .toList();
        int cap = ejected.isEmpty()
                ? 0
                : ejected.get(0).health().passiveSettings().ejectionCap(all.length);
        return ejected.size() <= cap ? Set.of() : Set.copyOf(ejected.subList(cap, ejected.size()));
    }

    private void log(String routeId, Set<Member> kept, int size) {
        for (Member m : kept) {
            if (!keptDespiteEjection.contains(m)) {
                int percent = m.health().passiveSettings().maxEjectionPercent();
                LOG.warn(
                        "route {}: backend {} is ejected but stays in this load balancer: at most {} of its {} members "
                                + "may be out by ejection at once (serai.health.passive.max-ejection-percent={})",
                        routeId,
                        m.name(),
                        m.health().passiveSettings().ejectionCap(size),
                        size,
                        percent);
            }
        }
        for (Member m : keptDespiteEjection) {
            if (!kept.contains(m) && m.isEjected()) {
                LOG.warn(
                        "route {}: backend {} leaves this load balancer, ejected, as room under the cap opened",
                        routeId,
                        m.name());
            }
        }
        keptDespiteEjection = kept;
    }
}
