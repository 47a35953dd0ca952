package io.serai.security;

import io.serai.http.IngressRequest;
import io.serai.http.RequestTarget;
import io.serai.settings.SettingValues;
import org.apache.camel.Exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lets a request on by its path: {@code deny} lists path prefixes that are refused, and when
 * {@code allow} is set, only paths under one of its prefixes get through; deny wins. Prefixes match whole
 * segments of the normalized path ({@code /admin} covers {@code /admin} and {@code /admin/x}, never
 * {@code /administrator}; a trailing slash makes no difference).
 * <p>
 * Backends read paths differently (case-insensitive file systems, {@code ;params} dropped, trailing dots
 * dropped, {@code %2F} decoded when {@code serai.path.allow-encoded-slash} lets it through), so a rule is
 * held against every such reading: a path is denied when any reading is under a denied prefix, and
 * allowed only when every reading is under an allowed one. {@code /ADMIN/x}, {@code /admin;p=1/x} and
 * {@code /admin./x} are all under {@code /admin}. A refusal is 403.
 */
public class PathCheck extends AccessCheck {

    private static final String REFUSED = "path not allowed";

    private List<String[]> deny = List.of();
    private List<String[]> allow = List.of();

    public void setDeny(String deny) {
        this.deny = prefixes("path check deny", deny);
    }

    public void setAllow(String allow) {
        this.allow = prefixes("path check allow", allow);
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        // Refused here rather than at start: serai.jar --check initialises routes but starts none.
        if (allow.isEmpty() && deny.isEmpty()) {
            throw new IllegalArgumentException(
                    "path check: set deny or allow (comma-separated path prefixes," + " e.g. /admin, /internal)");
        }
    }

    @Override
    protected String kind() {
        return "path";
    }

    /** A path is not a credential: what a cache may share is not changed by this check. */
    @Override
    protected boolean readsCredentials() {
        return false;
    }

    @Override
    protected Verdict check(Exchange exchange) {
        IngressRequest ingress = IngressRequest.of(exchange);
        if (ingress == null) {
            return Verdict.forbidden("path unknown");
        }
        RequestTarget target = ingress.target();
        List<String> loose = looseReading(target);
        for (String[] prefix : deny) {
            if (isUnder(loose, prefix)) {
                return Verdict.forbidden(REFUSED);
            }
        }
        if (allow.isEmpty()) {
            return Verdict.allow();
        }
        for (String[] prefix : allow) {
            if (isUnder(strictReading(target), prefix) && isUnder(loose, lower(prefix))) {
                return Verdict.allow();
            }
        }
        return Verdict.forbidden(REFUSED);
    }

    /** The path exactly as the backend receives it. */
    private static List<String> strictReading(RequestTarget target) {
        List<String> segments = new ArrayList<>(target.segmentCount());
        for (int i = 0; i < target.segmentCount(); i++) {
            segments.add(target.segment(i));
        }
        return segments;
    }

    /**
     * The path as the most lenient backend reads it: {@code %2F} as a slash, parameters and trailing dots
     * dropped, lower case, dot segments then removed.
     */
    static List<String> looseReading(RequestTarget target) {
        List<String> segments = new ArrayList<>(target.segmentCount());
        for (int i = 0; i < target.segmentCount(); i++) {
            String segment = target.segment(i);
            int from = 0;
            while (from <= segment.length()) {
                // Normalized escapes are upper case: %2F is the only spelling of an encoded slash left.
                int slash = segment.indexOf("%2F", from);
                int to = slash < 0 ? segment.length() : slash;
                String part = segment.substring(from, to);
                from = to + 3;
                String key = RequestTarget.keyOf(part).toLowerCase(Locale.ROOT);
                if (key.equals("..")) {
                    if (!segments.isEmpty()) {
                        segments.remove(segments.size() - 1);
                    }
                } else if (!key.isEmpty() && !key.equals(".")) {
                    segments.add(key);
                }
            }
        }
        return segments;
    }

    private static boolean isUnder(List<String> path, String[] prefix) {
        if (path.size() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (!path.get(i).equals(prefix[i])) {
                return false;
            }
        }
        return true;
    }

    private static String[] lower(String[] prefix) {
        String[] lower = new String[prefix.length];
        for (int i = 0; i < prefix.length; i++) {
            lower[i] = prefix[i].toLowerCase(Locale.ROOT);
        }
        return lower;
    }

    /** Each prefix as normalized segments; deny prefixes compare in lower case. */
    private List<String[]> prefixes(String what, String list) {
        List<String[]> parsed = new ArrayList<>();
        for (String item : SettingValues.list(list)) {
            RequestTarget prefix;
            try {
                prefix = RequestTarget.parse(item);
            } catch (RequestTarget.BadRequestTarget e) {
                throw new IllegalArgumentException(what + ": \"" + item + "\" is not a path prefix: " + e.getMessage());
            }
            if (!item.startsWith("/") || prefix.rawQuery() != null) {
                throw new IllegalArgumentException(
                        what + ": \"" + item + "\" is not a plain path prefix such as /admin");
            }
            String[] segments = new String[prefix.segmentCount()];
            for (int i = 0; i < segments.length; i++) {
                if (!prefix.key(i).equals(prefix.segment(i))) {
                    throw new IllegalArgumentException(
                            what + ": \"" + item + "\" has path parameters or trailing dots");
                }
                segments[i] = prefix.segment(i);
            }
            parsed.add(what.endsWith("deny") ? lower(segments) : segments);
        }
        return List.copyOf(parsed);
    }
}
