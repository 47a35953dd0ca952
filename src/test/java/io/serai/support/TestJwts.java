package io.serai.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** JWTs and JWKS documents made at test time with nimbus: keys, signed, unsigned, tampered and forged tokens. */
public final class TestJwts {

    public static final String ISSUER = "https://idp.test";

    private TestJwts() {}

    public static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ECKey ecKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JWKS document an identity provider would publish for these keys: public halves only. */
    public static String jwks(JWK... keys) {
        return new JWKSet(Arrays.stream(keys).map(JWK::toPublicJWK).toList()).toString(true);
    }

    /** Claims for {@code audience} from {@link #ISSUER}, subject {@code alice}, valid for five minutes, with a fresh jti. */
    public static JWTClaimsSet.Builder claims(String audience) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(audience)
                .subject("alice")
                .claim("email", "alice@example.com")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .jwtID(UUID.randomUUID().toString());
    }

    /** Signed with {@code key}: RS256 for an RSA key, ES256 for an EC one, naming the key's kid. */
    public static String sign(JWK key, JWTClaimsSet claims) {
        try {
            boolean rsa = key instanceof RSAKey;
            JWSSigner signer = rsa ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key);
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(rsa ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256)
                            .keyID(key.getKeyID())
                            .build(),
                    claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"alg":"none"}}, the claims and an empty signature, made by hand as an attacker would. */
    public static String unsigned(JWTClaimsSet claims) {
        return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims.toString()) + ".";
    }

    /** {@code token} with its payload replaced by {@code claims} and its original signature kept. */
    public static String tampered(String token, JWTClaimsSet claims) {
        List<String> parts = List.of(token.split("\\."));
        return parts.get(0) + "." + b64(claims.toString()) + "." + parts.get(2);
    }

    /**
     * The algorithm-confusion forgery: HS256 with the RSA public key's encoding as the HMAC secret, which
     * a verifier that let the token choose the algorithm would check against the public key.
     */
    public static String hmacWithPublicKey(RSAKey key, JWTClaimsSet claims) {
        try {
            byte[] secret = key.toRSAPublicKey().getEncoded();
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .keyID(key.getKeyID())
                            .build(),
                    claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
