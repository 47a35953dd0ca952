package io.serai.security;

import com.nimbusds.jose.jwk.RSAKey;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestJwts;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A check lives as long as its route: stopping the route (as a reload of its file does) ends its threads. */
@Timeout(60)
class JwtCheckLifecycleTest {

    private static final String ROUTES = """
            - beans:
                - name: jwt
                  type: "#class:io.serai.security.JwtCheck"
                  properties:
                    jwksFile: "{{jwks.file}}"
                    audience: orders-api
            - route:
                id: jwt-restarted
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: jwt
                    - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    Path dir;

    @Test
    void aStoppedRouteEndsItsChecksThreadsAndChecksAgainWhenStartedAgain() throws Exception {
        RSAKey rsa = TestJwts.rsaKey("rsa-1");
        Path jwks = Files.writeString(dir.resolve("jwks.json"), TestJwts.jwks(rsa));
        try (TestBackend backend = TestBackend.start("orders");
                RunningSerai serai = RunningSerai.routes(ROUTES)
                        .property("backend.1", backend.hostPort())
                        .property("jwks.file", jwks)
                        .start(dir)) {
            String token = TestJwts.sign(rsa, TestJwts.claims("orders-api").build());
            assertEquals(200, get(serai, token).status());
            assertTrue(checkThreads() > 0);
            serai.context().getRouteController().stopRoute("jwt-restarted");
            Waits.upTo(Waits.PROMPTLY)
                    .alias("no check thread left after the route stopped")
                    .until(() -> checkThreads() == 0);
            serai.context().getRouteController().startRoute("jwt-restarted");
            assertEquals(200, get(serai, token).status());
            assertEquals(
                    401,
                    get(serai, TestJwts.sign(rsa, TestJwts.claims("billing-api").build()))
                            .status());
        }
    }

    private static int checkThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive()
                        && (t.getName().endsWith(" - serai-jwt-check")
                                || t.getName().endsWith(" - serai-jwks")))
                .count();
    }

    private static RawResponse get(RunningSerai serai, String token) throws IOException {
        return RawHttp.exchange(
                serai.port(), "GET /x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token + "\r\n\r\n");
    }
}
