package io.serai.routing;

import io.serai.http.HostNames;
import io.serai.http.PathParameters;
import io.serai.http.RequestTarget;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routes of one listener, indexed for dispatch: by host (exact names, then wildcard suffixes from the
 * longest, then the routes without virtual hosts; a host that has routes of its own is served only by
 * them, as nginx's server blocks), then by path segment in a tree where a literal segment is tried before
 * a parameter and a longer match before a shorter one. A lookup costs one map probe per path segment;
 * nothing scans the routes. The table is immutable: a change of routes builds a new one.
 */
final class RouteTable {

    static final RouteTable EMPTY = new RouteTable(List.of());

    private final Node any;
    private final Map<String, Node> exactHosts = new HashMap<>();
    private final Map<String, Node> wildcardHosts = new HashMap<>();
    private final boolean byHost;

    /** Builds the table; routes that could answer the same request fail it, naming both. */
    RouteTable(List<RouteEntry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (entries.get(i).overlaps(entries.get(j))) {
                    throw new IllegalArgumentException(
                            entries.get(j) + " and " + entries.get(i)
                                    + " would answer the same requests: give one another path, virtualHosts or httpMethodRestrict");
                }
            }
        }
        Node anyHost = null;
        for (RouteEntry entry : entries) {
            if (entry.hosts().isAny()) {
                anyHost = anyHost == null ? new Node() : anyHost;
                anyHost.add(entry, 0);
            }
            for (String host : entry.hosts().exact()) {
                exactHosts.computeIfAbsent(host, h -> new Node()).add(entry, 0);
            }
            for (String suffix : entry.hosts().wildcardSuffixes()) {
                wildcardHosts.computeIfAbsent(suffix, h -> new Node()).add(entry, 0);
            }
        }
        this.any = anyHost;
        this.byHost = !exactHosts.isEmpty() || !wildcardHosts.isEmpty();
    }

    /** What answers {@code method} {@code target} sent with {@code host} (the Host field or the target's authority). */
    Lookup find(String host, RequestTarget target, String method) {
        Node root = rootFor(host);
        if (root == null) {
            return Lookup.NOT_FOUND;
        }
        Search search = new Search(target, method);
        RouteEntry found = search.in(root, 0);
        if (found == null) {
            return search.allow.isEmpty() ? Lookup.NOT_FOUND : Lookup.methodNotAllowed(search.allow);
        }
        return Lookup.matched(found, search.matched, target);
    }

    private Node rootFor(String host) {
        if (!byHost || host == null) {
            return any;
        }
        String name = HostNames.name(host);
        Node exact = exactHosts.get(name);
        if (exact != null) {
            return exact;
        }
        if (!wildcardHosts.isEmpty()) {
            for (int dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) {
                Node wildcard = wildcardHosts.get(name.substring(dot));
                if (wildcard != null) {
                    return wildcard;
                }
            }
        }
        return any;
    }

    /** One level of the path tree: the routes that end here and the branches below. */
    private static final class Node {
        private final Map<String, Node> literals = new HashMap<>();
        private Node param;
        private final List<RouteEntry> exact = new ArrayList<>();
        private final List<RouteEntry> prefix = new ArrayList<>();

        void add(RouteEntry entry, int depth) {
            RoutePattern pattern = entry.pattern();
            if (depth == pattern.length()) {
                (pattern.prefix() ? prefix : exact).add(entry);
                return;
            }
            String literal = pattern.literal(depth);
            Node next = literal != null
                    ? literals.computeIfAbsent(literal, l -> new Node())
                    : (param = param == null ? new Node() : param);
            next.add(entry, depth + 1);
        }
    }

    /**
     * A depth-first search, most specific first. The most specific route for the path decides: when it
     * does not take the method, the answer is 405, never a less specific route (which could lack the
     * checks of the one the path belongs to).
     */
    private static final class Search {
        private final RequestTarget target;
        private final String method;
        private Set<String> allow = Set.of();
        private int matched;

        Search(RequestTarget target, String method) {
            this.target = target;
            this.method = method;
        }

        RouteEntry in(Node node, int depth) {
            int n = target.segmentCount();
            if (depth == n) {
                RouteEntry here = pick(node.exact, depth);
                if (here != null || !allow.isEmpty()) {
                    return here;
                }
            } else {
                Node literal = node.literals.get(target.key(depth));
                RouteEntry below = literal == null ? null : in(literal, depth + 1);
                if (below == null && node.param != null && allow.isEmpty()) {
                    below = in(node.param, depth + 1);
                }
                if (below != null || !allow.isEmpty()) {
                    return below;
                }
            }
            return pick(node.prefix, depth);
        }

        private RouteEntry pick(List<RouteEntry> entries, int depth) {
            for (RouteEntry entry : entries) {
                if (entry.takes(method)) {
                    matched = depth;
                    return entry;
                }
            }
            if (!entries.isEmpty()) {
                allow = new TreeSet<>();
                for (RouteEntry entry : entries) {
                    allow.addAll(entry.methods());
                }
            }
            return null;
        }
    }

    /** The outcome of a lookup. */
    record Lookup(
            RouteEntry entry, int matchedSegments, Map<String, String> params, Set<String> allow, String badParam) {

        static final Lookup NOT_FOUND = new Lookup(null, 0, Map.of(), Set.of(), null);

        static Lookup methodNotAllowed(Set<String> allow) {
            return new Lookup(null, 0, Map.of(), allow, null);
        }

        static Lookup matched(RouteEntry entry, int matched, RequestTarget target) {
            RoutePattern pattern = entry.pattern();
            if (!pattern.hasParams()) {
                return new Lookup(entry, matched, Map.of(), Set.of(), null);
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < pattern.length(); i++) {
                String name = pattern.param(i);
                if (name != null) {
                    String value = PathParameters.decode(target.key(i));
                    if (value == null) {
                        return new Lookup(null, 0, Map.of(), Set.of(), name);
                    }
                    params.put(name, value);
                }
            }
            return new Lookup(entry, matched, params, Set.of(), null);
        }
    }
}
