package io.serai.security;

import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import io.serai.support.RunningSerai;
import io.serai.support.TestJwts;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every JwtCheck setting is checked, and a mistake is named with the setting, before a request is served. */
@Timeout(30)
class JwtCheckSettingsTest {

    /** Where a check started by hand takes its threads from. */
    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void stopContext() throws Exception {
        context.close();
    }

    @TempDir
    Path dir;

    @Test
    void noneAndHmacAreNeverAcceptedAndUnknownAlgorithmsAreNamed() {
        JwtCheck check = new JwtCheck();
        assertMessage(() -> check.setAlgorithms("RS256,none"), "jwt algorithms: none is never accepted");
        assertMessage(
                () -> check.setAlgorithms("HS256"),
                "jwt algorithms: HS256 is not accepted: HMAC needs a shared secret");
        assertMessage(
                () -> check.setAlgorithms("EdDSA"), "jwt algorithms: EdDSA is not supported: expected some of RS256,");
        assertMessage(() -> check.setAlgorithms(" , "), "jwt algorithms= ,  is invalid");
        check.setAlgorithms("rs256, ES384");
    }

    @Test
    void claimHeadersMustBeClaimColonHeaderPairsOfOrdinaryHeaders() {
        JwtCheck check = new JwtCheck();
        assertMessage(
                () -> check.setClaimHeaders("sub"),
                "jwt claimHeaders=sub is invalid: \"sub\" is not claim:Header-Name");
        assertMessage(() -> check.setClaimHeaders("sub:X User"), "is not claim:Header-Name");
        assertMessage(() -> check.setClaimHeaders("sub:Authorization"), "Authorization cannot carry a claim");
        assertMessage(() -> check.setClaimHeaders("sub:Host"), "Host cannot carry a claim");
        assertMessage(() -> check.setClaimHeaders("sub:X-A,email:x-a"), "repeats a claim or header");
        check.setClaimHeaders("sub:X-User-Id, email:X-User-Email");
    }

    @Test
    void urlsDurationsAndTheRealmAreChecked() {
        JwtCheck check = new JwtCheck();
        assertMessage(
                () -> check.setJwksUrl("ftp://idp/jwks"),
                "jwt jwksUrl=ftp://idp/jwks is invalid: expected an https:// or http:// URL");
        assertMessage(() -> check.setJwksUrl("/jwks.json"), "jwt jwksUrl=/jwks.json is invalid");
        assertMessage(() -> check.setClockSkew("soon"), "Setting jwt clockSkew=soon is invalid");
        assertMessage(() -> check.setClockSkew("1h"), "jwt clockSkew=1h is invalid: expected 10m at most");
        assertMessage(
                () -> check.setJwksReloadInterval("0s"), "jwt jwksReloadInterval=0s is invalid: expected more than 0");
        assertMessage(() -> check.setJwksTimeout("1m"), "jwt jwksTimeout=1m is invalid: expected 30s at most");
        assertMessage(() -> check.setRealm("a\"b"), "jwt realm=a\"b is invalid");
        assertMessage(() -> check.setCachedTokens(-1), "jwt cachedTokens=-1 is invalid");
    }

    @Test
    void startNeedsExactlyOneJwksAndAnAudience() throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), TestJwts.jwks(TestJwts.ecKey("e")));
        JwtCheck neither = new JwtCheck();
        neither.setAudience("api");
        assertMessage(neither::start, "jwt: set exactly one of jwksFile and jwksUrl");
        JwtCheck both = new JwtCheck();
        both.setAudience("api");
        both.setJwksFile(jwks.toString());
        both.setJwksUrl("https://idp.test/jwks.json");
        assertMessage(both::start, "jwt: set exactly one of jwksFile and jwksUrl");
        JwtCheck noAudience = new JwtCheck();
        noAudience.setJwksFile(jwks.toString());
        assertMessage(noAudience::start, "jwt audience is required");
        JwtCheck shortCache = new JwtCheck();
        shortCache.setAudience("api");
        shortCache.setJwksUrl("https://idp.test/jwks.json");
        shortCache.setJwksCacheTime("20s");
        assertMessage(
                shortCache::start, "jwt jwksCacheTime=20s is invalid: expected more than jwksRefetchInterval (30s)");
        shortCache.setJwksRefetchInterval("1s");
        shortCache.setJwksCacheTime("5s");
        assertMessage(
                shortCache::start, "jwt jwksCacheTime=5s is invalid: expected at least 6s with jwksTimeout 2000ms");
    }

    @Test
    void aJwksFileMustHoldAPublicRsaOrEcKey() throws Exception {
        assertMessage(
                () -> started(dir.resolve("missing.json")),
                "jwt jwksFile=" + dir.resolve("missing.json") + " is invalid: no readable file there");
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "<html>not json</html>");
        assertMessage(() -> started(garbage), "jwt jwksFile=" + garbage + " is invalid: not a JWKS document");
        OctetSequenceKey secret = new OctetSequenceKeyGenerator(256).keyID("s").generate();
        Path symmetric = Files.writeString(dir.resolve("secret.json"), "{\"keys\":[" + secret.toJSONString() + "]}");
        assertMessage(() -> started(symmetric), "is invalid: it holds no RSA or EC public key");
        JwtCheck fine = started(Files.writeString(dir.resolve("ok.json"), TestJwts.jwks(TestJwts.rsaKey("r"))));
        fine.stop();
    }

    @Test
    void seraiDoesNotStartWithAMisconfiguredCheckAndSaysWhich() {
        String routes = """
                - beans:
                    - name: jwt
                      type: "#class:io.serai.security.JwtCheck"
                      properties:
                        jwksUrl: "https://idp.test/jwks.json"
                - route:
                    id: guarded
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/"
                      steps:
                        - process:
                            ref: jwt
                        - to: "netty-http:http://127.0.0.1:1"
                """;
        Exception e = assertThrows(
                Exception.class, () -> RunningSerai.routes(routes).start(dir).close());
        assertTrue(causes(e).contains("jwt audience is required"), causes(e));
    }

    private JwtCheck started(Path jwksFile) {
        JwtCheck check = new JwtCheck();
        check.setCamelContext(context);
        check.setAudience("api");
        check.setJwksFile(jwksFile.toString());
        check.start();
        return check;
    }

    private static String causes(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            s.append(t.getMessage()).append('\n');
        }
        return s.toString();
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable action, String expected) {
        Exception e = assertThrows(Exception.class, action);
        assertTrue(causes(e).contains(expected), "expected \"" + expected + "\" in: " + causes(e));
    }
}
