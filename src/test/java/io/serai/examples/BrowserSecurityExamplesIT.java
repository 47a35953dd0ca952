package io.serai.examples;

import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * examples/cors.camel.yaml and examples/security-headers.camel.yaml started as their Run lines say:
 * SERAI_ROUTES=examples/....camel.yaml java -D... -jar target/serai.jar
 */
@Timeout(90)
class BrowserSecurityExamplesIT {

    @Test
    void theCorsExampleAnswersPreflightsForTheAppOriginOnly(@TempDir Path tmp) throws Exception {
        try (TestBackend upstream = TestBackend.start("api")) {
            int port = RunningSerai.freePort();
            try (SeraiProcess serai = SeraiProcess.builder()
                    .env("SERAI_ROUTES", "examples/cors.camel.yaml")
                    .property("serai.port", port)
                    .property("app.origin", "https://app.example.com")
                    .property("upstream.url", upstream.url())
                    .start(tmp)) {
                serai.awaitStatus("http://127.0.0.1:" + port + "/", 200, Duration.ofSeconds(20));
                int before = upstream.requests().size();
                RawResponse preflight = RawHttp.exchange(
                        port,
                        "OPTIONS /orders HTTP/1.1\r\nHost: api\r\n"
                                + "Origin: https://app.example.com\r\nAccess-Control-Request-Method: PUT\r\n"
                                + "Access-Control-Request-Headers: authorization, content-type\r\n\r\n");
                assertEquals(204, preflight.status());
                assertEquals("https://app.example.com", preflight.header("Access-Control-Allow-Origin"));
                assertEquals("GET, POST, PUT, DELETE", preflight.header("Access-Control-Allow-Methods"));
                assertEquals("600", preflight.header("Access-Control-Max-Age"));
                RawResponse other = RawHttp.exchange(
                        port,
                        "OPTIONS /orders HTTP/1.1\r\nHost: api\r\n"
                                + "Origin: https://evil.example\r\nAccess-Control-Request-Method: PUT\r\n\r\n");
                assertEquals(403, other.status());
                assertEquals(before, upstream.requests().size(), "preflights never reach the backend");
                RawResponse get = RawHttp.exchange(
                        port, "GET /orders HTTP/1.1\r\nHost: api\r\n" + "Origin: https://app.example.com\r\n\r\n");
                assertEquals(200, get.status());
                assertEquals("https://app.example.com", get.header("Access-Control-Allow-Origin"));
                assertEquals("true", get.header("Access-Control-Allow-Credentials"));
                assertEquals("X-Request-Id", get.header("Access-Control-Expose-Headers"));
            }
        }
    }

    @Test
    void theSecurityHeadersExampleAddsItsFieldsAndHidesTheBackendsSoftware(@TempDir Path tmp) throws Exception {
        try (TestBackend upstream = TestBackend.start("site")) {
            upstream.respondWith(Behaviours.status(
                    200,
                    Map.of(
                            "Content-Type",
                            "text/html",
                            "Server",
                            "app/1.0",
                            "X-Powered-By",
                            "PHP/8",
                            "X-Frame-Options",
                            "SAMEORIGIN"),
                    "<p>hi</p>"));
            int port = RunningSerai.freePort();
            try (SeraiProcess serai = SeraiProcess.builder()
                    .env("SERAI_ROUTES", "examples/security-headers.camel.yaml")
                    .property("serai.port", port)
                    .property("upstream.url", upstream.url())
                    .start(tmp)) {
                serai.awaitStatus("http://127.0.0.1:" + port + "/", 200, Duration.ofSeconds(20));
                RawResponse r = RawHttp.exchange(port, "GET / HTTP/1.1\r\nHost: site\r\n\r\n");
                assertEquals(200, r.status());
                assertEquals("nosniff", r.header("X-Content-Type-Options"));
                assertEquals("SAMEORIGIN", r.header("X-Frame-Options"), "the backend's own value wins");
                assertEquals("strict-origin-when-cross-origin", r.header("Referrer-Policy"));
                assertFalse(r.hasHeader("Server"));
                assertFalse(r.hasHeader("X-Powered-By"));
                assertFalse(r.hasHeader("Strict-Transport-Security"), "plain HTTP listener");
            }
        }
    }
}
