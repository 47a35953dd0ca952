package io.serai.ingress;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A consumer path with parameters, such as {@code /profile/{id}}: matches a request path segment by
 * segment and names the values, as Camel's REST matching does. Values keep the client's bytes.
 */
public final class PathTemplate {

    /** Exchange property holding the {@code Map<String, String>} of the request's path parameters. */
    public static final String PARAMS = "seraiPathParams";

    private final String[] segments;

    private PathTemplate(String[] segments) {
        this.segments = segments;
    }

    /** The template of {@code consumerPath}, or null when it has no parameter. */
    public static PathTemplate of(String consumerPath) {
        if (consumerPath == null || consumerPath.indexOf('{') < 0) {
            return null;
        }
        return new PathTemplate(split(consumerPath));
    }

    /** The parameters and the rest of the path below the template, or null when the path does not match. */
    public Match match(String rawPath) {
        String[] parts = split(rawPath);
        if (parts.length < segments.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.length() > 2 && s.startsWith("{") && s.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                params.put(s.substring(1, s.length() - 1), parts[i]);
            } else if (!s.equals(parts[i])) {
                return null;
            }
        }
        StringBuilder rest = new StringBuilder();
        for (int i = segments.length; i < parts.length; i++) {
            rest.append('/').append(parts[i]);
        }
        return new Match(params, rest.toString());
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }

    public record Match(Map<String, String> params, String rest) {
    }
}
