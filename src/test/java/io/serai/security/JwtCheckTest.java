package io.serai.security;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.serai.metrics.SeraiMeters;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestJwts;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JWT bearer tokens as a client and a backend see them: tokens signed at test time, a JWKS file on disk. */
@Timeout(60)
class JwtCheckTest {

    private static final String AUDIENCE = "orders-api";

    private static final String ROUTES = """
            - beans:
                - name: jwt
                  type: "#class:io.serai.security.JwtCheck"
                  properties:
                    jwksFile: "{{jwks.file}}"
                    audience: "orders-api, billing-api"
                    issuer: "https://idp.test"
                    claimHeaders: "sub:X-User-Id,email:X-User-Email"
                - name: jwtForwarding
                  type: "#class:io.serai.security.JwtCheck"
                  properties:
                    jwksFile: "{{jwks.file}}"
                    audience: orders-api
                    forwardCredentials: true
                - name: jwtScoped
                  type: "#class:io.serai.security.JwtCheck"
                  properties:
                    jwksFile: "{{jwks.file}}"
                    audience: orders-api
                    requiredScopes: "orders:read orders:write"
                    realm: orders
                - name: jwtNoSkew
                  type: "#class:io.serai.security.JwtCheck"
                  properties:
                    jwksFile: "{{jwks.file}}"
                    audience: orders-api
                    clockSkew: 0s
                - name: jwtRotating
                  type: "#class:io.serai.security.JwtCheck"
                  properties:
                    jwksFile: "{{jwks.rotating}}"
                    audience: orders-api
                    jwksReloadInterval: 100ms
            - route:
                id: jwt
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/api?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: jwt
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: jwt-forwarding
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/forwarding?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: jwtForwarding
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: jwt-scoped
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/scoped?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: jwtScoped
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: jwt-no-skew
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/no-skew?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: jwtNoSkew
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: jwt-rotating
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/rotating?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: jwtRotating
                    - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;
    static RSAKey rsa;
    static ECKey ec;
    static Path accessLog;
    static Path rotatingJwks;

    @BeforeAll
    static void start() throws Exception {
        rsa = TestJwts.rsaKey("rsa-1");
        ec = TestJwts.ecKey("ec-1");
        Path jwks = Files.writeString(dir.resolve("jwks.json"), TestJwts.jwks(rsa, ec));
        rotatingJwks = Files.writeString(dir.resolve("rotating.json"), TestJwts.jwks(rsa));
        accessLog = dir.resolve("access.log");
        backend = TestBackend.start("orders");
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("jwks.file", jwks)
                .property("jwks.rotating", rotatingJwks)
                .property("serai.access-log", accessLog)
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void aValidTokenReachesTheBackendWithItsClaimsAsHeadersAndWithoutTheToken() throws IOException {
        String token = TestJwts.sign(rsa, TestJwts.claims(AUDIENCE).build());
        RawResponse r = get("/api/orders", token, "X-Request-Id: jwt-valid-1\r\n");
        assertEquals(200, r.status());
        RecordedRequest seen = backend.lastRequest();
        assertEquals("/orders", seen.target(), "the route's prefix is not forwarded, as without a check");
        assertEquals("alice", seen.header("X-User-Id"));
        assertEquals("alice@example.com", seen.header("X-User-Email"));
        assertNull(seen.header("Authorization"), "the token is not forwarded");
    }

    @Test
    void anEcSignedTokenAndOneForTheOtherAudienceAreAccepted() throws IOException {
        assertEquals(
                200,
                get("/api/a", TestJwts.sign(ec, TestJwts.claims(AUDIENCE).build()))
                        .status());
        assertEquals(
                200,
                get("/api/a", TestJwts.sign(rsa, TestJwts.claims("billing-api").build()))
                        .status());
    }

    @Test
    void aTokenValidatedOnceIsAcceptedAgainWithTheSameHeaders() throws IOException {
        String token =
                TestJwts.sign(ec, TestJwts.claims(AUDIENCE).subject("carol").build());
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get("/api/again", token).status());
            assertEquals("carol", backend.lastRequest().header("X-User-Id"));
            assertNull(backend.lastRequest().header("Authorization"));
        }
    }

    @Test
    void aRequestWithoutATokenGetsTheBareChallenge() throws IOException {
        int before = backend.requests().size();
        RawResponse r = RawHttp.exchange(serai.port(), "GET /api/orders HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(401, r.status());
        assertEquals("Bearer realm=\"serai\"", r.header("WWW-Authenticate"));
        assertEquals("401 Unauthorized: bearer token required\n", r.bodyText());
        RawResponse basic = RawHttp.exchange(
                serai.port(), "GET /api/orders HTTP/1.1\r\nHost: a\r\nAuthorization: Basic YWxpY2U6c2VjcmV0\r\n\r\n");
        assertEquals(401, basic.status());
        assertEquals("Bearer realm=\"serai\"", basic.header("WWW-Authenticate"), "another scheme is no bearer token");
        assertEquals(before, backend.requests().size());
    }

    @Test
    void anExpiredTokenIsRefusedButOneExpiredWithinTheClockSkewIsNot() throws IOException {
        Instant now = Instant.now();
        String expired = TestJwts.sign(
                rsa,
                TestJwts.claims(AUDIENCE)
                        .expirationTime(Date.from(now.minusSeconds(120)))
                        .build());
        assertRefused("/api/x", expired, "token expired");
        String justExpired = TestJwts.sign(
                rsa,
                TestJwts.claims(AUDIENCE)
                        .expirationTime(Date.from(now.minusSeconds(20)))
                        .build());
        assertEquals(200, get("/api/x", justExpired).status(), "20 s past exp is within the default 60 s skew");
    }

    @Test
    void aTokenNotYetValidIsRefused() throws IOException {
        String early = TestJwts.sign(
                rsa,
                TestJwts.claims(AUDIENCE)
                        .notBeforeTime(Date.from(Instant.now().plusSeconds(300)))
                        .build());
        assertRefused("/api/x", early, "token not yet valid");
    }

    @Test
    void aTokenForAnotherAudienceOrFromAnotherIssuerIsRefused() throws IOException {
        assertRefused(
                "/api/x", TestJwts.sign(rsa, TestJwts.claims("payments-api").build()), "wrong audience");
        assertRefused(
                "/api/x",
                TestJwts.sign(
                        rsa,
                        TestJwts.claims(AUDIENCE).issuer("https://evil.test").build()),
                "wrong issuer");
        assertRefused(
                "/api/x",
                TestJwts.sign(
                        rsa, TestJwts.claims(AUDIENCE).expirationTime(null).build()),
                "required claim missing");
    }

    @Test
    void aTokenSignedByAKeyNotInTheJwksIsRefused() throws IOException {
        JWTClaimsSet claims = TestJwts.claims(AUDIENCE).build();
        assertRefused("/api/x", TestJwts.sign(TestJwts.rsaKey("rsa-unknown"), claims), "unknown signing key");
        assertRefused("/api/x", TestJwts.sign(TestJwts.rsaKey("rsa-1"), claims), "bad signature");
        assertRefused("/api/x", TestJwts.sign(TestJwts.ecKey("ec-1"), claims), "bad signature");
    }

    @Test
    void anUnsignedTokenIsRefused() throws IOException {
        assertRefused("/api/x", TestJwts.unsigned(TestJwts.claims(AUDIENCE).build()), "unsigned token");
    }

    @Test
    void aTamperedPayloadUnderTheOriginalSignatureIsRefused() throws IOException {
        String token = TestJwts.sign(rsa, TestJwts.claims(AUDIENCE).build());
        assertEquals(200, get("/api/x", token).status());
        String forged = TestJwts.tampered(
                token, TestJwts.claims(AUDIENCE).subject("admin").build());
        assertRefused("/api/x", forged, "bad signature");
    }

    @Test
    void anHmacTokenKeyedWithThePublicKeyIsRefused() throws IOException {
        assertRefused(
                "/api/x",
                TestJwts.hmacWithPublicKey(rsa, TestJwts.claims(AUDIENCE).build()),
                "signing algorithm not allowed");
    }

    @Test
    void garbageIsAMalformedToken() throws IOException {
        assertRefused("/api/x", "not-a-jwt", "malformed token");
        assertRefused("/api/x", "a.b.c", "malformed token");
        assertRefused("/api/x", "", "malformed token");
        int before = backend.requests().size();
        String token = TestJwts.sign(rsa, TestJwts.claims(AUDIENCE).build());
        RawResponse twice = RawHttp.exchange(
                serai.port(),
                "GET /api/x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token + "\r\nAuthorization: Bearer "
                        + token + "\r\n\r\n");
        assertEquals(401, twice.status());
        assertEquals("401 Unauthorized: malformed token\n", twice.bodyText());
        assertEquals(before, backend.requests().size());
    }

    @Test
    void headersAClientSendsUnderAClaimHeaderNameNeverReachTheBackend() throws IOException {
        String token = TestJwts.sign(
                rsa, TestJwts.claims(AUDIENCE).claim("email", null).build());
        RawResponse r = get("/api/me", token, "X-User-Id: bob\r\nx-user-email: bob@example.com\r\n");
        assertEquals(200, r.status());
        assertEquals("alice", backend.lastRequest().header("X-User-Id"));
        assertNull(backend.lastRequest().header("X-User-Email"), "the token has no email: no header at all");
        assertEquals(
                1,
                backend.lastRequest().headerNames().stream()
                        .filter("x-user-id"::equals)
                        .count());
    }

    @Test
    void aClientsClaimHeaderSpelledWithUnderscoresOrAnotherCaseNeverReachesTheBackend() throws IOException {
        String token = TestJwts.sign(
                rsa, TestJwts.claims(AUDIENCE).claim("email", null).build());
        RawResponse r = get("/api/me", token, "X_User_Id: bob\r\nx_user_EMAIL: bob@example.com\r\n");
        assertEquals(200, r.status());
        assertEquals(List.of("X-User-Id: alice"), ApiKeyCheckTest.folded(backend.lastRequest(), "x-user-id"));
        assertEquals(List.of(), ApiKeyCheckTest.folded(backend.lastRequest(), "x-user-email"));
    }

    @Test
    void forwardCredentialsKeepsTheAuthorizationHeader() throws IOException {
        String token = TestJwts.sign(rsa, TestJwts.claims(AUDIENCE).build());
        assertEquals(200, get("/forwarding/x", token).status());
        assertEquals("Bearer " + token, backend.lastRequest().header("Authorization"));
    }

    @Test
    void aTokenWithoutTheRequiredScopesGets403InsufficientScope() throws IOException {
        int before = backend.requests().size();
        String narrow = TestJwts.sign(
                rsa, TestJwts.claims(AUDIENCE).claim("scope", "orders:read").build());
        RawResponse r = get("/scoped/x", narrow);
        assertEquals(403, r.status());
        assertEquals(
                "Bearer realm=\"orders\", error=\"insufficient_scope\", error_description=\"insufficient scope\","
                        + " scope=\"orders:read orders:write\"",
                r.header("WWW-Authenticate"));
        assertEquals("403 Forbidden: insufficient scope\n", r.bodyText());
        assertEquals(before, backend.requests().size());
        String wide = TestJwts.sign(
                rsa,
                TestJwts.claims(AUDIENCE)
                        .claim("scope", "profile orders:write orders:read")
                        .build());
        assertEquals(200, get("/scoped/x", wide).status());
        String scp = TestJwts.sign(
                rsa,
                TestJwts.claims(AUDIENCE)
                        .claim("scp", List.of("orders:read", "orders:write"))
                        .build());
        assertEquals(200, get("/scoped/x", scp).status());
    }

    @Test
    void aTokenAdmittedBeforeIsRefusedOnceItExpires() throws Exception {
        Instant exp = Instant.now().plusSeconds(3);
        String token = TestJwts.sign(
                rsa, TestJwts.claims(AUDIENCE).expirationTime(Date.from(exp)).build());
        assertEquals(200, get("/no-skew/x", token).status());
        // Refused once the clock passes exp (JWT times are whole seconds), not before it is reached.
        Waits.upTo(Duration.between(Instant.now(), exp).plusSeconds(5))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertRefused("/no-skew/x", token, "token expired"));
        assertFalse(
                Instant.now().isBefore(exp.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)),
                "refused before it expired");
    }

    @Test
    void aRotatedJwksFileIsPickedUpAndTheOldKeyNoLongerAccepted() throws Exception {
        String old = TestJwts.sign(rsa, TestJwts.claims(AUDIENCE).build());
        assertEquals(200, get("/rotating/x", old).status());
        RSAKey next = TestJwts.rsaKey("rsa-2");
        String fresh = TestJwts.sign(next, TestJwts.claims(AUDIENCE).build());
        assertRefused("/rotating/x", fresh, "unknown signing key");
        Path tmp = Files.writeString(dir.resolve("rotating.json.tmp"), TestJwts.jwks(next));
        Files.move(tmp, rotatingJwks, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Waits.forStatus(200, Duration.ofSeconds(5), () -> get("/rotating/x", fresh)); // the new key is picked up
        assertRefused("/rotating/x", old, "unknown signing key");
    }

    @Test
    void noTokenEverAppearsInTheAccessLog() throws Exception {
        String token = TestJwts.sign(rsa, TestJwts.claims(AUDIENCE).build());
        String forged = TestJwts.tampered(
                token, TestJwts.claims(AUDIENCE).subject("admin").build());
        assertEquals(
                200, get("/api/logged", token, "X-Request-Id: jwt-log-ok\r\n").status());
        assertEquals(
                401,
                get("/api/logged", forged, "X-Request-Id: jwt-log-refused\r\n").status());
        String log = Waits.forFileText(accessLog, "jwt-log-refused", Duration.ofSeconds(5));
        assertTrue(log.contains("jwt-log-ok"));
        for (String part : token.split("\\.")) {
            assertFalse(log.contains(part), "no part of a token is logged");
        }
        assertTrue(SeraiMeters.of(serai.context())
                .scrape()
                .contains("serai_access_refused_total{check=\"jwt\",route=\"jwt\",status=\"401\"}"));
    }

    private static void assertRefused(String path, String token, String reason) throws IOException {
        int before = backend.requests().size();
        RawResponse r = get(path, token);
        assertEquals(401, r.status(), reason);
        assertEquals(
                "Bearer realm=\"serai\", error=\"invalid_token\", error_description=\"" + reason + "\"",
                r.header("WWW-Authenticate"));
        assertEquals("401 Unauthorized: " + reason + "\n", r.bodyText());
        assertFalse(!token.isEmpty() && r.bodyText().contains(token), "the token is never echoed");
        assertEquals(before, backend.requests().size(), "a refused request never reaches the backend");
    }

    private static RawResponse get(String path, String token) throws IOException {
        return get(path, token, "");
    }

    private static RawResponse get(String path, String token, String moreHeaders) throws IOException {
        return RawHttp.exchange(
                serai.port(),
                "GET " + path + " HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token + "\r\n" + moreHeaders
                        + "\r\n");
    }
}
