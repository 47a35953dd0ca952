package io.serai.routing;

import io.serai.http.RequestTarget;

import java.util.Arrays;

/**
 * A listener route's own path, as the dispatch matches it: whole segments, normalized as request paths
 * are, where {@code {name}} stands for any one segment; with {@code matchOnUriPrefix=true} it also
 * matches every path below it ({@code /public} matches {@code /public} and {@code /public/x}, never
 * {@code /publicity}). A trailing slash makes no difference.
 */
final class RoutePattern {

    private final String text;
    private final String[] literals;
    private final String[] params;
    private final boolean prefix;

    private RoutePattern(String text, String[] literals, String[] params, boolean prefix) {
        this.text = text;
        this.literals = literals;
        this.params = params;
        this.prefix = prefix;
    }

    /** The pattern of a consumer's path; a bad one fails with a message naming it. */
    static RoutePattern of(String path, boolean prefix) {
        String p = path == null || path.isEmpty() ? "/" : path;
        String[] parts = Arrays.stream(p.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
        String[] literals = new String[parts.length];
        String[] params = new String[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.length() > 2 && part.startsWith("{") && part.endsWith("}")) {
                params[i] = part.substring(1, part.length() - 1);
                continue;
            }
            RequestTarget one;
            try {
                one = RequestTarget.parse("/" + part);
            } catch (RequestTarget.BadRequestTarget e) {
                throw new IllegalArgumentException("route path " + p + ": " + e.getMessage());
            }
            if (one.segmentCount() != 1 || !one.key(0).equals(one.segment(0))) {
                throw new IllegalArgumentException("route path " + p + ": segment \"" + part
                        + "\" is not a plain path segment (no dot segments, path parameters or trailing dots)");
            }
            literals[i] = one.segment(0);
        }
        return new RoutePattern(p, literals, params, prefix);
    }

    int length() {
        return literals.length;
    }

    /** The literal segment at {@code i}, or null where the pattern has a parameter. */
    String literal(int i) {
        return literals[i];
    }

    /** The parameter's name at {@code i}, or null where the pattern has a literal. */
    String param(int i) {
        return params[i];
    }

    boolean hasParams() {
        for (String p : params) {
            if (p != null) {
                return true;
            }
        }
        return false;
    }

    boolean prefix() {
        return prefix;
    }

    /** The shape two routes conflict on: literals, parameter positions (not names) and prefix. */
    String shape() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < literals.length; i++) {
            s.append('/').append(literals[i] == null ? "{}" : literals[i]);
        }
        return (s.length() == 0 ? "/" : s.toString()) + (prefix ? "/**" : "");
    }

    @Override
    public String toString() {
        return text + (prefix ? " (and below)" : "");
    }
}
