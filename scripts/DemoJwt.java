import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;

/**
 * For trying examples/jwt.camel.yaml without an identity provider: writes a JWKS file with a new RSA
 * key and prints a token signed by it for the given audience, valid for an hour.
 *
 *   java -cp "target/lib/*" scripts/DemoJwt.java /tmp/jwks.json orders-api
 */
public class DemoJwt {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java -cp \"target/lib/*\" scripts/DemoJwt.java JWKS_FILE AUDIENCE");
            System.exit(2);
        }
        RSAKey key = new RSAKeyGenerator(2048).keyID("demo").generate();
        Files.writeString(Path.of(args[0]), new JWKSet(key.toPublicJWK()).toString());
        long now = System.currentTimeMillis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("alice")
                .claim("email", "alice@example.com")
                .audience(args[1])
                .issueTime(new Date(now))
                .expirationTime(new Date(now + 3_600_000))
                .build();
        SignedJWT token = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("demo").build(), claims);
        token.sign(new RSASSASigner(key));
        System.out.println(token.serialize());
    }
}
