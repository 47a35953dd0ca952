package io.serai.caching;

import java.util.Map;

/**
 * Whether a shared cache may store a response (RFC 9111 section 3), and if not, the short reason that
 * {@code Cache-Status} reports as its detail. The directives are a targeted field's when one is valid
 * (RFC 9213), else Cache-Control's and Expires'. A response that sets cookies is stored only when it
 * addresses shared caches explicitly ({@code public}, {@code s-maxage}, or a targeted field), and its
 * cookies are kept only when it is {@code public} (see {@link StoredResponse}). Serai declines server-sent event
 * streams, whatever their directives say: replaying events that were sent once would be wrong.
 */
final class Storability {

    private Storability() {}

    /** Null when the response may be stored; otherwise why not; {@code targeting} names the targeted fields. */
    static String refusal(
            int status,
            CacheControl request,
            boolean authenticated,
            Map<String, Object> responseHeaders,
            long bodyBytes,
            long maxObject,
            TargetedControl targeting) {
        if (status < 200 || status == 206 || status == 304) {
            return "status";
        }
        if (request.noStore()) {
            return "no-store";
        }
        TargetedControl.Directives directives = targeting.of(responseHeaders);
        CacheControl response = directives.control();
        if (response.noStore()) {
            return "no-store";
        }
        if (response.isPrivate()) {
            return "private";
        }
        if (authenticated && !(response.isPublic() || response.sMaxAge() >= 0 || response.mustRevalidate())) {
            return "authorization";
        }
        if (setsCookie(responseHeaders) && !(response.isPublic() || response.sMaxAge() >= 0 || directives.targeted())) {
            // A page that sets a cookie is often made for that one client (a CSRF token matched to the
            // cookie, a greeting): only a response that addresses shared caches explicitly is stored.
            return "set-cookie";
        }
        if (isEventStream(MessageFields.joined(responseHeaders, "Content-Type"))) {
            return "event-stream";
        }
        String vary = MessageFields.joined(responseHeaders, "Vary");
        if (vary != null && vary.contains("*")) {
            return "vary-star";
        }
        boolean explicit = Freshness.hasExplicitLifetime(response, directives.expires());
        if (!explicit && !response.isPublic() && !Freshness.heuristicallyCacheable(status)) {
            return "status";
        }
        if (bodyBytes > maxObject) {
            return "too-large";
        }
        return null;
    }

    private static boolean setsCookie(Map<String, Object> responseHeaders) {
        return MessageFields.joined(responseHeaders, "Set-Cookie") != null
                || MessageFields.joined(responseHeaders, "Set-Cookie2") != null;
    }

    /** True for a {@code text/event-stream} media type (server-sent events), parameters and case aside. */
    static boolean isEventStream(String mediaType) {
        if (mediaType == null) {
            return false;
        }
        int semicolon = mediaType.indexOf(';');
        String type = (semicolon < 0 ? mediaType : mediaType.substring(0, semicolon)).trim();
        return type.equalsIgnoreCase("text/event-stream");
    }
}
