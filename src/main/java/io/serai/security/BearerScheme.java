package io.serai.security;

import org.apache.camel.Message;

import java.util.Collection;

/**
 * The bearer scheme of RFC 6750 on the wire: the token of {@code Authorization: Bearer <token>}, and
 * the refusals with their {@code WWW-Authenticate} challenges in the given realm. Written here
 * because nimbus-jose-jwt has no RFC 6750 parsing (its sibling oauth2-oidc-sdk has, a large
 * dependency for these few lines).
 */
public final class BearerScheme {

    public static final String AUTHORIZATION = "Authorization";

    private final String challenge;

    public BearerScheme(String realm) {
        this.challenge = "Bearer realm=\"" + realm + "\"";
    }

    /** Whether {@code realm} can stand in a quoted challenge parameter. */
    public static boolean validRealm(String realm) {
        return !realm.isEmpty() && realm.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\');
    }

    /**
     * The token of the request; null without one (no {@code Authorization}, or another scheme, which
     * RFC 6750 answers as a request without credentials), "" when malformed (no token, a space in it,
     * several {@code Authorization} fields).
     */
    public static String token(Message message) {
        Object value = message.getHeader(AUTHORIZATION);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String header)) {
            return "";
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "Bearer", 0, 6) || (h.length() > 6 && h.charAt(6) != ' ')) {
            return null;
        }
        String token = h.substring(6).strip();
        return token.indexOf(' ') >= 0 ? "" : token;
    }

    /** 401 with the bare challenge: the request has no bearer token. */
    public Verdict missing() {
        return Verdict.unauthorized(challenge, "bearer token required");
    }

    /** 401 {@code invalid_token} with a short reason that never repeats the token. */
    public Verdict invalid(String reason) {
        return Verdict.unauthorized(
                challenge + ", error=\"invalid_token\", error_description=\"" + reason + "\"", reason);
    }

    /** 403 {@code insufficient_scope}, naming the scopes a token needs. */
    public Verdict insufficientScope(Collection<String> required) {
        return new Verdict(
                403,
                "insufficient scope",
                challenge + ", error=\"insufficient_scope\"," + " error_description=\"insufficient scope\", scope=\""
                        + String.join(" ", required) + "\"");
    }

    /** 503: nothing can be decided now (no signing keys yet, or too much to check); nothing is forwarded. */
    public static Verdict unavailable(String reason) {
        return new Verdict(503, reason, null);
    }
}
