package io.serai.security;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A JWKS served over HTTP by an identity provider (a test backend here): fetched off the request path, cached, refetched for a new key within a rate limit. */
@Timeout(60)
class JwtCheckJwksUrlTest {

    private static final String JWKS_PATH = "/.well-known/jwks.json";

    private static final String ROUTES = """
            - beans:
                - name: jwt
                  type: "#class:io.serai.security.JwtCheck"
                  properties:
                    jwksUrl: "{{jwks.url}}/.well-known/jwks.json"
                    audience: orders-api
                    claimHeaders: "sub:X-User-Id"
                    jwksCacheTime: 60s
                    jwksRefetchInterval: 1s
                - name: jwtUnreachable
                  type: "#class:io.serai.security.JwtCheck"
                  properties:
                    jwksUrl: "{{jwks.unreachable}}/jwks.json"
                    audience: orders-api
                    jwksTimeout: 500ms
            - route:
                id: jwt-url
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/api?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: jwt
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: jwt-unreachable
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/unreachable?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: jwtUnreachable
                    - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    static TestBackend backend;
    static TestBackend idp;
    static RunningSerai serai;
    static RSAKey rsa;

    @BeforeAll
    static void start() throws Exception {
        rsa = TestJwts.rsaKey("rsa-1");
        idp = TestBackend.start("idp");
        publish(rsa);
        backend = TestBackend.start("orders");
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("jwks.url", idp.url())
                .property("jwks.unreachable", TestBackend.refusingUrl())
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
        idp.close();
    }

    @Test
    void theJwksIsFetchedOnceAndCachedNotOncePerRequest() throws Exception {
        String warm = TestJwts.sign(rsa, TestJwts.claims("orders-api").build());
        Waits.forStatus(200, Waits.PROMPTLY, () -> get("/api/warm", warm));
        int before = fetches();
        assertTrue(before >= 1);
        for (int i = 0; i < 20; i++) {
            String token = TestJwts.sign(
                    rsa, TestJwts.claims("orders-api").subject("user-" + i).build());
            assertEquals(200, get("/api/x", token).status());
            assertEquals("user-" + i, backend.lastRequest().header("X-User-Id"));
        }
        assertEquals(before, fetches(), "20 new tokens signed by a known key need no fetch");
    }

    @Test
    void aNewKeyIsFetchedWhenATokenNamesItAndUnknownKeysRefetchWithinTheRateLimit() throws Exception {
        String warm = TestJwts.sign(rsa, TestJwts.claims("orders-api").build());
        Waits.forStatus(200, Waits.PROMPTLY, () -> get("/api/warm", warm));
        RSAKey next = TestJwts.rsaKey("rsa-2");
        publish(rsa, next);
        int before = fetches();
        // A token naming a key not yet known makes the check fetch the JWKS again, once the rate limit's
        // window allows a fetch: until then it is refused without one.
        String signedByNext = TestJwts.sign(next, TestJwts.claims("orders-api").build());
        Waits.forStatus(200, Duration.ofSeconds(5), () -> get("/api/x", signedByNext));
        assertEquals(before + 1, fetches());

        long start = System.nanoTime();
        int backendBefore = backend.requests().size();
        RSAKey stranger = TestJwts.rsaKey("rsa-unknown");
        for (int i = 0; i < 30; i++) {
            RawResponse r = get(
                    "/api/x",
                    TestJwts.sign(stranger, TestJwts.claims("orders-api").build()));
            assertEquals(401, r.status());
            assertEquals("401 Unauthorized: unknown signing key\n", r.bodyText());
        }
        long windows = (System.nanoTime() - start) / Duration.ofSeconds(1).toNanos() + 1;
        int refetches = fetches() - before - 1;
        assertTrue(
                refetches <= 2 * windows,
                refetches + " refetches for 30 unknown keys in " + windows + " one-second windows");
        assertEquals(backendBefore, backend.requests().size());
    }

    @Test
    void whileTheJwksCannotBeFetchedTokensAreAnswered503AndNothingIsForwarded() throws IOException {
        int before = backend.requests().size();
        for (int i = 0; i < 3; i++) {
            RawResponse r = get(
                    "/unreachable/x",
                    TestJwts.sign(rsa, TestJwts.claims("orders-api").build()));
            assertEquals(503, r.status());
            assertEquals("503 Service Unavailable: signing keys unavailable\n", r.bodyText());
        }
        RawResponse none = RawHttp.exchange(serai.port(), "GET /unreachable/x HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(401, none.status(), "a request without a token needs no key to be refused");
        assertEquals(before, backend.requests().size());
    }

    private static void publish(JWK... keys) {
        idp.respondWith(Behaviours.status(200, Map.of("Content-Type", "application/json"), TestJwts.jwks(keys)));
    }

    private static int fetches() {
        return (int) idp.requests().stream()
                .filter(r -> r.target().equals(JWKS_PATH))
                .count();
    }

    private static RawResponse get(String path, String token) throws IOException {
        return RawHttp.exchange(
                serai.port(), "GET " + path + " HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token + "\r\n\r\n");
    }
}
