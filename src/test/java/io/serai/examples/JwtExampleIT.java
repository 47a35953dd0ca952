package io.serai.examples;

import com.nimbusds.jose.jwk.RSAKey;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import io.serai.support.TestJwts;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/jwt.camel.yaml started as its Run line says (a copy, as a user would keep one):
 * SERAI_ROUTES=... java -Djwks.file=... -Djwt.audience=... -Dupstream.url=... -jar target/serai.jar
 */
@Timeout(60)
class JwtExampleIT {

    @TempDir
    Path tmp;

    @Test
    void onlyRequestsWithAValidTokenReachTheBackendAsTheUserTheTokenNamesAndAnEditedFileApplies() throws Exception {
        Path routes = Files.createDirectories(tmp.resolve("routes"));
        Path file = routes.resolve("jwt.camel.yaml");
        Files.copy(Path.of("examples/jwt.camel.yaml"), file);
        RSAKey key = TestJwts.rsaKey("idp-1");
        Path jwks = Files.writeString(tmp.resolve("jwks.json"), TestJwts.jwks(key));
        try (TestBackend upstream = TestBackend.start("upstream")) {
            int port = RunningSerai.freePort();
            SeraiProcess serai = SeraiProcess.builder()
                    .env("SERAI_ROUTES", routes.toString())
                    .property("serai.port", port)
                    .property("jwks.file", jwks)
                    .property("jwt.audience", "orders-api")
                    .property("upstream.url", upstream.url())
                    .start(tmp);
            try {
                serai.awaitAnswer(Waits.STARTUP, () -> RawHttp.exchange(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"));

                String token = TestJwts.sign(key, TestJwts.claims("orders-api").build());
                RawResponse ok = RawHttp.exchange(
                        port,
                        "GET /orders/7 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token
                                + "\r\nX-User-Id: mallory\r\n\r\n");
                assertEquals(200, ok.status());
                RecordedRequest seen = upstream.lastRequest();
                assertEquals("/orders/7", seen.target());
                assertEquals("alice", seen.header("X-User-Id"));
                assertEquals("alice@example.com", seen.header("X-User-Email"));
                assertNull(seen.header("Authorization"));

                int before = upstream.requests().size();
                RawResponse none = RawHttp.exchange(port, "GET /orders/7 HTTP/1.1\r\nHost: a\r\n\r\n");
                assertEquals(401, none.status());
                assertEquals("Bearer realm=\"serai\"", none.header("WWW-Authenticate"));
                String expired = TestJwts.sign(
                        key,
                        TestJwts.claims("orders-api")
                                .expirationTime(Date.from(Instant.now().minusSeconds(600)))
                                .build());
                RawResponse old = RawHttp.exchange(
                        port, "GET /orders/7 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + expired + "\r\n\r\n");
                assertEquals(401, old.status());
                assertEquals(
                        "Bearer realm=\"serai\", error=\"invalid_token\", error_description=\"token expired\"",
                        old.header("WWW-Authenticate"));
                RawResponse other = RawHttp.exchange(
                        port,
                        "GET /orders/7 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer "
                                + TestJwts.sign(
                                        key, TestJwts.claims("billing-api").build()) + "\r\n\r\n");
                assertEquals("401 Unauthorized: wrong audience\n", other.bodyText());
                assertEquals(before, upstream.requests().size(), "no refused request reached the backend");
                assertFalse(
                        serai.output().contains(token.substring(token.lastIndexOf('.') + 1)),
                        "the token is not logged");

                // Editing the file reloads it with a new check: another audience, and no email header.
                Files.writeString(
                        file,
                        Files.readString(file)
                                .replace("{{jwt.audience}}", "billing-api")
                                .replace(",email:X-User-Email", ""));
                serai.awaitOutput("Reloaded " + file, Waits.PROMPTLY);
                assertEquals(
                        401,
                        RawHttp.exchange(
                                        port,
                                        "GET /orders/7 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token
                                                + "\r\n\r\n")
                                .status(),
                        "the old audience is no longer accepted");
                RawResponse billing = RawHttp.exchange(
                        port,
                        "GET /bills HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer "
                                + TestJwts.sign(
                                        key, TestJwts.claims("billing-api").build()) + "\r\n\r\n");
                assertEquals(200, billing.status());
                assertEquals("alice", upstream.lastRequest().header("X-User-Id"));
                assertNull(upstream.lastRequest().header("X-User-Email"));
            } finally {
                serai.close();
            }
        }
    }

    @Test
    void theTokenOfTheDemoScriptTheDocsSuggestIsAcceptedByTheExample() throws Exception {
        // docs/security-jwt.md: java -cp "target/lib/*" scripts/DemoJwt.java JWKS_FILE AUDIENCE
        Path jwks = tmp.resolve("demo-jwks.json");
        Process demo = new ProcessBuilder(
                        "java", "-cp", "target/lib/*", "scripts/DemoJwt.java", jwks.toString(), "orders-api")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String token;
        try {
            assertTrue(demo.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "DemoJwt ran for over 60 s");
            token = new String(demo.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        } finally {
            demo.destroyForcibly();
        }
        assertEquals(0, demo.exitValue());
        try (TestBackend upstream = TestBackend.start("upstream")) {
            int port = RunningSerai.freePort();
            try (SeraiProcess serai = SeraiProcess.builder()
                    .env("SERAI_ROUTES", "examples/jwt.camel.yaml")
                    .property("serai.port", port)
                    .property("jwks.file", jwks)
                    .property("jwt.audience", "orders-api")
                    .property("upstream.url", upstream.url())
                    .start(tmp)) {
                serai.awaitStatus("http://127.0.0.1:" + port + "/", 401, Duration.ofSeconds(20));
                RawResponse ok = RawHttp.exchange(
                        port, "GET /orders HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token + "\r\n\r\n");
                assertEquals(200, ok.status(), ok.bodyText());
                assertEquals("alice", upstream.lastRequest().header("X-User-Id"));
                assertEquals("alice@example.com", upstream.lastRequest().header("X-User-Email"));
            }
        }
    }
}
