package io.serai.http2;

import com.fasterxml.jackson.databind.JsonNode;
import io.serai.support.AccessLogLines;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2 at the edge as curl speaks it: h2c by prior knowledge on a cleartext listener and h2 by ALPN on an
 * https:// one, each on the same port as HTTP/1.1, on the same routes.
 */
@Timeout(60)
class Http2EdgeTest {

    static final String ROUTES = """
            - route:
                id: plain
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: secure
                from:
                  uri: "netty-http:https://127.0.0.1:{{https.port}}/?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;
    static int httpsPort;
    static Path ca;
    static Path log;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates authority = TestCertificates.authority("Http2 CA");
        Path[] pair = authority.issue("localhost", "127.0.0.1").write(dir, "server");
        ca = authority.writeCa(dir.resolve("ca.pem"));
        log = dir.resolve("access.log");
        backend = TestBackend.start("h2-backend");
        httpsPort = RunningSerai.freePort();
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("https.port", httpsPort)
                .property("serai.tls.cert", pair[0])
                .property("serai.tls.key", pair[1])
                .property("serai.access-log", log)
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void h2cByPriorKnowledgeReachesTheBackendWithHostFromAuthority() throws Exception {
        Curl answer = Curl.run("--http2-prior-knowledge", "-H", "X-Request-Id: h2c-line", serai.url("/h2c/items?x=1"));
        assertEquals(200, answer.status());
        assertEquals("2", answer.version());
        assertTrue(answer.body().contains("\"backend\":\"h2-backend\""), answer.body());
        assertTrue(answer.body().contains("\"target\":\"/h2c/items?x=1\""), answer.body());
        RecordedRequest seen = backend.lastRequest();
        assertEquals("127.0.0.1:" + serai.port(), seen.header("Host"));
        JsonNode line = AccessLogLines.await(log, "h2c-line");
        assertEquals("HTTP/2.0", line.path("protocol").asText());
        assertEquals("/h2c/items", line.path("path").asText());
        assertFalse(
                seen.headerNames().stream().anyMatch(h -> h.startsWith("x-http2-") || h.startsWith(":")),
                seen.headerNames().toString());
    }

    @Test
    void http11StillWorksOnTheCleartextPort() throws Exception {
        Curl answer = Curl.run("--http1.1", "-H", "X-Request-Id: h1-line", serai.url("/one"));
        assertEquals(200, answer.status());
        assertEquals("1.1", answer.version());
        assertEquals(
                "HTTP/1.1",
                AccessLogLines.await(log, "h1-line").path("protocol").asText());
    }

    @Test
    void upgradeToH2cIsNotTaken() throws Exception {
        // curl --http2 on http:// asks for Upgrade: h2c; Serai answers in HTTP/1.1.
        Curl answer = Curl.run("--http2", serai.url("/upgrade"));
        assertEquals(200, answer.status());
        assertEquals("1.1", answer.version());
        assertNull(backend.lastRequest().header("Upgrade"));
    }

    @Test
    void h2ByAlpnOnHttps() throws Exception {
        Curl answer = Curl.run("--http2", "--cacert", ca.toString(), "https://127.0.0.1:" + httpsPort + "/tls");
        assertEquals(200, answer.status());
        assertEquals("2", answer.version());
        assertTrue(answer.body().contains("\"backend\":\"h2-backend\""), answer.body());
        assertEquals("127.0.0.1:" + httpsPort, backend.lastRequest().header("Host"));
    }

    @Test
    void http11StillWorksOnTheHttpsPort() throws Exception {
        Curl answer = Curl.run("--http1.1", "--cacert", ca.toString(), "https://127.0.0.1:" + httpsPort + "/tls1");
        assertEquals(200, answer.status());
        assertEquals("1.1", answer.version());
    }

    @Test
    void aPostBodyReachesTheBackendOverH2c() throws Exception {
        Curl answer = Curl.run("--http2-prior-knowledge", "-d", "hello=h2", serai.url("/post"));
        assertEquals(200, answer.status());
        assertEquals("2", answer.version());
        assertEquals("hello=h2", backend.lastRequest().bodyText());
    }
}
