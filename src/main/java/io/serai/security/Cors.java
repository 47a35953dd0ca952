package io.serai.security;

import io.serai.http.HeaderValues;
import io.serai.http.IngressRequest;
import io.serai.http.ResponseHeaderEdits;
import io.serai.http.ResponseHeaderEdits.Edit;
import io.serai.http.ResponseHeaderEdits.Kind;
import io.serai.settings.SettingValues;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.http.NettyHttpConstants;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * CORS for one route, as a step before the ones that call a backend ({@code - process: {ref: <bean>}}):
 * a preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) is
 * answered here, 204 when the origin, method and headers are allowed and 403 with the reason when
 * not (the reason in Serai's words only: what the client asked for is never echoed into a body), and
 * never reaches a backend; any other request goes on, and its answer (the backend's, an
 * error, a refusal) gets the {@code Access-Control-*} fields for an allowed origin. Serai is then the
 * only source of those fields on this route: a backend's own are removed. Written here because Camel's
 * CORS support belongs to its REST DSL, which Serai's proxy routes do not use.
 */
public class Cors implements Processor {

    static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    static final String ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";
    static final String EXPOSE_HEADERS = "Access-Control-Expose-Headers";
    private static final Set<String> SAFELISTED_METHODS = Set.of("GET", "HEAD", "POST");
    private static final Set<String> SAFELISTED_HEADERS =
            Set.of("accept", "accept-language", "content-language", "content-type");

    private List<OriginRule> origins = List.of();
    private boolean anyOrigin;
    private List<String> methods = List.of("GET", "HEAD", "POST");
    private Set<String> headers = Set.of();
    private boolean anyHeader;
    private String headersText = "";
    private String exposeHeaders = "";
    private boolean credentials;
    private Duration maxAge = Duration.ofMinutes(5);

    /** Comma-separated origins ({@code https://app.example.com}), {@code https://*.example.com}, or {@code *}. */
    public void setAllowOrigins(String list) {
        List<OriginRule> rules = new ArrayList<>();
        boolean any = false;
        for (String entry : SettingValues.list(list)) {
            if (entry.equals("*")) {
                any = true;
            } else {
                rules.add(OriginRule.parse(entry));
            }
        }
        if (any && credentials) {
            throw anyOriginWithCredentials();
        }
        this.anyOrigin = any;
        this.origins = List.copyOf(rules);
    }

    public void setAllowMethods(String list) {
        List<String> m = new ArrayList<>();
        for (String method : SettingValues.list(list)) {
            if (!method.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
                throw new IllegalArgumentException(
                        "cors allowMethods=" + list + " is invalid: \"" + method + "\" is not an HTTP method");
            }
            m.add(method);
        }
        this.methods = List.copyOf(m);
    }

    /** Request fields a browser may send, comma-separated, or {@code *} for any it asks for. */
    public void setAllowHeaders(String list) {
        Set<String> h = new java.util.LinkedHashSet<>();
        boolean any = false;
        for (String name : SettingValues.list(list)) {
            if (name.equals("*")) {
                any = true;
            } else {
                h.add(name.toLowerCase(Locale.ROOT));
            }
        }
        this.anyHeader = any;
        this.headers = Set.copyOf(h);
        this.headersText = String.join(
                ", ",
                SettingValues.list(list).stream().filter(n -> !n.equals("*")).toList());
    }

    public void setExposeHeaders(String list) {
        this.exposeHeaders = String.join(", ", SettingValues.list(list));
    }

    public void setAllowCredentials(boolean credentials) {
        if (credentials && anyOrigin) {
            throw anyOriginWithCredentials();
        }
        this.credentials = credentials;
    }

    public void setMaxAge(String maxAge) {
        this.maxAge = SettingValues.duration("cors maxAge", maxAge);
    }

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        String origin = message.getHeader("Origin", String.class);
        boolean allowed = origin != null && allows(origin);
        if (origin != null
                && "OPTIONS".equals(method(exchange))
                && message.getHeader("Access-Control-Request-Method") != null) {
            preflight(exchange, origin, allowed);
            return;
        }
        ResponseHeaderEdits edits = ResponseHeaderEdits.of(exchange);
        if (allowed) {
            edits.add(new Edit(Kind.SET, ALLOW_ORIGIN, anyOrigin ? "*" : origin));
            edits.add(
                    credentials
                            ? new Edit(Kind.SET, ALLOW_CREDENTIALS, "true")
                            : new Edit(Kind.REMOVE, ALLOW_CREDENTIALS, null));
            edits.add(
                    exposeHeaders.isEmpty()
                            ? new Edit(Kind.REMOVE, EXPOSE_HEADERS, null)
                            : new Edit(Kind.SET, EXPOSE_HEADERS, exposeHeaders));
        } else {
            edits.add(new Edit(Kind.REMOVE, ALLOW_ORIGIN, null));
            edits.add(new Edit(Kind.REMOVE, ALLOW_CREDENTIALS, null));
            edits.add(new Edit(Kind.REMOVE, EXPOSE_HEADERS, null));
        }
        if (!anyOrigin) {
            edits.add(new Edit(Kind.VARY, "Origin", null));
        }
    }

    private void preflight(Exchange exchange, String origin, boolean allowedOrigin) {
        Message message = exchange.getMessage();
        String method =
                message.getHeader("Access-Control-Request-Method", String.class).trim();
        String requested = message.getHeader("Access-Control-Request-Headers", String.class);
        String refusal = !allowedOrigin
                ? "CORS origin not allowed on this route"
                : !SAFELISTED_METHODS.contains(method) && !methods.contains(method)
                        ? "CORS method not allowed on this route"
                        : headerRefusal(requested);
        exchange.setRouteStop(true);
        if (refusal != null) {
            AccessCheck.refuse(exchange, Verdict.forbidden(refusal));
            AccessCheck.countRefusal(exchange, "cors", 403);
            return;
        }
        Map<String, Object> out = message.getHeaders();
        HeaderValues.clearKeepingChannel(out);
        out.put(NettyHttpConstants.HTTP_RESPONSE_CODE, 204);
        out.put(ALLOW_ORIGIN, anyOrigin ? "*" : origin);
        out.put("Access-Control-Allow-Methods", String.join(", ", methods));
        String allowHeaders = anyHeader && requested != null ? requested.trim() : headersText;
        if (!allowHeaders.isEmpty()) {
            out.put("Access-Control-Allow-Headers", allowHeaders);
        }
        if (credentials) {
            out.put(ALLOW_CREDENTIALS, "true");
        }
        out.put("Access-Control-Max-Age", String.valueOf(maxAge.toSeconds()));
        if (!anyOrigin) {
            out.put("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        } else {
            out.put("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers");
        }
        message.setBody(null);
        exchange.setProperty(IngressRequest.UPSTREAM_ANSWERED, Boolean.TRUE);
    }

    /** Why the requested headers are refused, or null when all of them are allowed. */
    private String headerRefusal(String requested) {
        if (requested == null || anyHeader) {
            return null;
        }
        for (String name : requested.split(",")) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            if (!n.isEmpty() && !headers.contains(n) && !SAFELISTED_HEADERS.contains(n)) {
                return "CORS header not allowed on this route";
            }
        }
        return null;
    }

    boolean allows(String origin) {
        if (anyOrigin) {
            return true;
        }
        for (OriginRule rule : origins) {
            if (rule.matches(origin)) {
                return true;
            }
        }
        return false;
    }

    private static String method(Exchange exchange) {
        IngressRequest ingress = IngressRequest.of(exchange);
        return ingress != null
                ? ingress.method().name()
                : exchange.getMessage().getHeader(NettyHttpConstants.HTTP_METHOD, String.class);
    }

    private static IllegalArgumentException anyOriginWithCredentials() {
        return new IllegalArgumentException("cors allowOrigins=* with allowCredentials=true is invalid: browsers refuse"
                + " credentials for any origin; list the origins instead");
    }

    /** One allowed origin: exact ({@code https://a.example:8443}) or with one {@code *} for any subdomains. */
    record OriginRule(String prefix, String suffix, boolean wildcard) {

        static OriginRule parse(String entry) {
            String e = entry.toLowerCase(Locale.ROOT);
            int scheme = e.indexOf("://");
            if (scheme <= 0 || e.indexOf('/', scheme + 3) >= 0 || e.indexOf('?') >= 0) {
                throw new IllegalArgumentException("cors allowOrigins entry \"" + entry + "\" is invalid: expected"
                        + " scheme://host[:port] without a path, https://*.example.com, or *");
            }
            int star = e.indexOf('*');
            if (star < 0) {
                return new OriginRule(e, "", false);
            }
            if (star != scheme + 3
                    || e.indexOf('*', star + 1) >= 0
                    || e.length() < star + 3
                    || e.charAt(star + 1) != '.') {
                throw new IllegalArgumentException("cors allowOrigins entry \"" + entry + "\" is invalid: a * may only"
                        + " stand for the subdomains, as in https://*.example.com");
            }
            return new OriginRule(e.substring(0, star), e.substring(star + 1), true);
        }

        boolean matches(String origin) {
            String o = origin.trim().toLowerCase(Locale.ROOT);
            if (!wildcard) {
                return o.equals(prefix);
            }
            if (!o.startsWith(prefix) || !o.endsWith(suffix) || o.length() <= prefix.length() + suffix.length()) {
                return false;
            }
            String labels = o.substring(prefix.length(), o.length() - suffix.length());
            return labels.chars()
                            .allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')
                    && !labels.startsWith(".")
                    && !labels.endsWith(".");
        }
    }
}
