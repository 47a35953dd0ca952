package io.serai.security;

/**
 * What an access check decided: let the request on, or refuse it with 401 (and the
 * {@code WWW-Authenticate} challenge a client needs to try again), 403, or 503 when the check could
 * not decide now (too busy), each with a short reason for the client. A reason never repeats a
 * credential.
 */
public record Verdict(int status, String reason, String challenge) {

    private static final Verdict ALLOWED = new Verdict(0, null, null);

    public static Verdict allow() {
        return ALLOWED;
    }

    /** 401: the request has no valid credentials; {@code challenge} is the WWW-Authenticate value. */
    public static Verdict unauthorized(String challenge, String reason) {
        return new Verdict(401, reason, challenge);
    }

    /** 403: the client is known (or its address is) and is not allowed here. */
    public static Verdict forbidden(String reason) {
        return new Verdict(403, reason, null);
    }

    /** 503: the check is too busy to decide now; the client may try again (Retry-After: 1). */
    public static Verdict unavailable(String reason) {
        return new Verdict(503, reason, null);
    }

    public boolean allowed() {
        return status == 0;
    }
}
