package io.serai.security;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.NetUtil;
import io.serai.http.HeaderValues;
import io.serai.http.IngressRequest;
import io.serai.http.RequestTarget;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.apache.camel.component.netty.http.NettyHttpEndpoint;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Sends a plain-HTTP client to the same address over HTTPS, as a route step
 * ({@code - process: {ref: <bean>}}): answers {@code https://<the request's host>[:httpsPort]<path and
 * query>} with 301 for GET and HEAD and 308 for other methods (308 keeps the method and body), or
 * always {@code status} when set, and stops the route, so nothing reaches a backend. The host is the
 * one the client asked for (Host, or the authority of an absolute-form target), without its port,
 * and must be a DNS name or an IP address, so the answer never points anywhere else; a request
 * without such a host gets 400, and so does one whose target is not a path (origin-form, or the path
 * of an absolute-form target) of characters RFC 3986 allows. On a route that already listens on {@code https://} the step does
 * nothing, rather than send the client round in circles.
 */
public class HttpsRedirect implements Processor {

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    // A DNS name as RFC 1123 allows it (labels of letters, digits and inner hyphens; a trailing dot),
    // stricter than what ingress lets through as Host, so a Location never carries anything else.
    private static final Pattern DNS_NAME =
            Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\\.?");
    private static final Pattern PORT = Pattern.compile(":[0-9]{0,5}");
    // RFC 3986 section 3.3: pchar is unreserved, pct-encoded, sub-delims, ':' and '@'.
    private static final String PCHAR_SYMBOLS = "-._~!$&'()*+,;=:@";

    private int httpsPort = 443;
    private int status;

    public void setHttpsPort(int httpsPort) {
        if (httpsPort < 1 || httpsPort > 65535) {
            throw new IllegalArgumentException(
                    "https redirect httpsPort=" + httpsPort + " is invalid: expected 1 to 65535");
        }
        this.httpsPort = httpsPort;
    }

    public void setStatus(int status) {
        if (!REDIRECTS.contains(status)) {
            throw new IllegalArgumentException(
                    "https redirect status=" + status + " is invalid: expected 301, 302, 303, 307 or 308");
        }
        this.status = status;
    }

    public int getHttpsPort() {
        return httpsPort;
    }

    /** The status set, or 0 for 301 (GET, HEAD) and 308 (other methods). */
    public int getStatus() {
        return status;
    }

    @Override
    public void process(Exchange exchange) {
        if (exchange.getFromEndpoint() instanceof NettyHttpEndpoint from
                && from.getConfiguration().isSsl()) {
            // Already HTTPS: redirecting would send the client back here forever.
            return;
        }
        IngressRequest request = IngressRequest.of(exchange);
        String host = request == null ? null : hostOf(request);
        String pathAndQuery = request == null ? null : pathAndQueryOf(request.target());
        Message message = exchange.getMessage();
        Map<String, Object> headers = message.getHeaders();
        HeaderValues.clearKeepingChannel(headers);
        if (host == null || pathAndQuery == null) {
            headers.put(NettyHttpConstants.HTTP_RESPONSE_CODE, 400);
            headers.put("Content-Type", "text/plain; charset=utf-8");
            message.setBody(
                    host == null
                            ? "400 Bad Request: no host name to redirect to HTTPS\n"
                            : "400 Bad Request: the request target is not a path to redirect to HTTPS\n");
        } else {
            boolean safe = request.isHead() || "GET".equals(request.method().name());
            headers.put(NettyHttpConstants.HTTP_RESPONSE_CODE, status != 0 ? status : safe ? 301 : 308);
            headers.put("Location", "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort) + pathAndQuery);
            message.setBody(null);
        }
        exchange.setProperty(IngressRequest.UPSTREAM_ANSWERED, Boolean.TRUE);
        exchange.setRouteStop(true);
    }

    /** The request's host without its port, lower case, or null when it is not a DNS name or an IP address. */
    static String hostOf(IngressRequest request) {
        String authority = request.target().authority() != null
                ? request.target().authority()
                : request.headers().get(HttpHeaderNames.HOST);
        if (authority == null || authority.isEmpty()) {
            return null;
        }
        String host;
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            if (end < 0 || !NetUtil.isValidIpV6Address(authority.substring(1, end))) {
                return null;
            }
            host = authority.substring(0, end + 1);
            if (!port(authority.substring(end + 1))) {
                return null;
            }
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            if (colon >= 0 && !port(authority.substring(colon))) {
                return null;
            }
            if (!NetUtil.isValidIpV4Address(host) && !DNS_NAME.matcher(host).matches()) {
                return null;
            }
        }
        return host.toLowerCase(Locale.ROOT);
    }

    /**
     * The path and query of a Location on this host: the target's parsed path, which must be an absolute
     * path (origin-form, or the path of an absolute-form target), and its query, each only of the
     * characters RFC 3986 allows there; null otherwise. A target such as {@code @evil.com/} or
     * {@code .evil.com/} would otherwise continue the authority of the Location and point elsewhere.
     */
    static String pathAndQueryOf(RequestTarget target) {
        String path = target.path();
        String query = target.rawQuery();
        if (path.isEmpty() || path.charAt(0) != '/' || !only(path, "/") || (query != null && !only(query, "/?"))) {
            return null;
        }
        return query == null ? path : path + "?" + query;
    }

    /** Whether {@code text} is pchars and {@code more} only (a loop: a regex would recurse per character). */
    private static boolean only(String text, String more) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length() || !hex(text.charAt(i + 1)) || !hex(text.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (!((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || PCHAR_SYMBOLS.indexOf(c) >= 0
                    || more.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Empty, or ':' and up to five digits (RFC 3986 allows an empty port). */
    private static boolean port(String rest) {
        return rest.isEmpty() || PORT.matcher(rest).matches();
    }
}
