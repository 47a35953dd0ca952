package io.serai.security.credentials;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.text.ParseException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks a JWT with nimbus's {@link DefaultJWTProcessor}: a JWS signed with one of the allowed
 * algorithms by a key of the JWKS, of type {@code JWT} or {@code at+jwt} (or none), whose
 * {@code exp}, {@code nbf} (with the clock skew), {@code aud}, {@code iss} and required claims pass.
 * A refused token gets a short reason that is safe to show the client: it never repeats the token.
 * nimbus tells most failures apart by exception type; the rest by its message, so each reason is
 * covered by a test that would notice a nimbus upgrade changing one.
 */
public final class JwtValidator {

    private static final Logger LOG = LoggerFactory.getLogger(JwtValidator.class);

    static final String EXPIRED = "token expired";
    static final String NOT_YET_VALID = "token not yet valid";
    static final String WRONG_AUDIENCE = "wrong audience";
    static final String WRONG_ISSUER = "wrong issuer";
    static final String MISSING_CLAIM = "required claim missing";
    static final String BAD_SIGNATURE = "bad signature";
    static final String UNKNOWN_KEY = "unknown signing key";
    static final String ALGORITHM = "signing algorithm not allowed";
    static final String UNSIGNED = "unsigned token";
    static final String WRONG_TYPE = "token type not accepted";
    public static final String MALFORMED = "malformed token";
    static final String INVALID = "invalid token";
    static final String KEYS_UNAVAILABLE = "signing keys unavailable";

    /** A token's verified claims, or why it is refused; {@code unavailable} when no key could be had. */
    public record Outcome(JWTClaimsSet claims, String reason, boolean unavailable) {
        public static Outcome refused(String reason) {
            return new Outcome(null, reason, false);
        }

        public boolean valid() {
            return claims != null;
        }
    }

    private final SigningKeys keys;
    private final Set<JWSAlgorithm> algorithms;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public JwtValidator(
            SigningKeys keys,
            Set<JWSAlgorithm> algorithms,
            Set<String> audiences,
            String issuer,
            Set<String> requiredClaims,
            Duration clockSkew) {
        this.keys = keys;
        this.algorithms = Set.copyOf(algorithms);
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(this.algorithms, keys.source()));
        Set<String> required = new HashSet<>(requiredClaims);
        required.add("exp");
        JWTClaimsSet exact = issuer == null
                ? null
                : new JWTClaimsSet.Builder().issuer(issuer).build();
        DefaultJWTClaimsVerifier<SecurityContext> claims =
                new DefaultJWTClaimsVerifier<>(Set.copyOf(audiences), exact, required, null);
        claims.setMaxClockSkew(Math.toIntExact(clockSkew.toSeconds()));
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** Checks {@code token}; may wait for the keys, so it runs off the event loop. */
    public Outcome validate(String token) {
        JWT parsed;
        try {
            parsed = JWTParser.parse(token);
            parsed.getJWTClaimsSet(); // a payload that is no claims set is malformed, whatever else is wrong
        } catch (ParseException e) {
            return Outcome.refused(MALFORMED);
        }
        if (parsed instanceof PlainJWT) {
            return Outcome.refused(UNSIGNED);
        }
        if (!(parsed instanceof SignedJWT signed)) {
            return Outcome.refused(WRONG_TYPE);
        }
        if (!algorithms.contains(signed.getHeader().getAlgorithm())) {
            return Outcome.refused(ALGORITHM);
        }
        try {
            return new Outcome(processor.process(signed, null), null, false);
        } catch (ExpiredJWTException e) {
            return Outcome.refused(EXPIRED);
        } catch (BadJWTException e) {
            return Outcome.refused(claimsReason(e.getMessage()));
        } catch (BadJWSException e) {
            return Outcome.refused(BAD_SIGNATURE);
        } catch (BadJOSEException e) {
            return Outcome.refused(otherReason(e.getMessage()));
        } catch (RateLimitReachedException e) {
            // a fetch for this token's key was refused by the rate limit: unknown unless there are no keys at all
            return keys.loaded() ? Outcome.refused(UNKNOWN_KEY) : new Outcome(null, KEYS_UNAVAILABLE, true);
        } catch (KeySourceException e) {
            LOG.debug("no signing keys for a token: {}", e.getMessage());
            return new Outcome(null, KEYS_UNAVAILABLE, true);
        } catch (JOSEException | RuntimeException e) {
            LOG.debug("token refused: {}", e.getMessage());
            return Outcome.refused(INVALID);
        }
    }

    private static String claimsReason(String message) {
        String m = String.valueOf(message);
        if (m.contains("before use time")) {
            return NOT_YET_VALID;
        }
        if (m.contains("aud claim")) {
            return WRONG_AUDIENCE;
        }
        if (m.contains("iss claim")) {
            return WRONG_ISSUER;
        }
        if (m.contains("missing required claims")) {
            return MISSING_CLAIM;
        }
        return INVALID;
    }

    private static String otherReason(String message) {
        String m = String.valueOf(message);
        if (m.contains("no matching key")) {
            return UNKNOWN_KEY;
        }
        if (m.contains("typ")) {
            return WRONG_TYPE;
        }
        return INVALID;
    }
}
