package io.serai.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.serai.support.AccessLogLines;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log's lines and the request id, as an operator reads them and a backend receives it. */
@Timeout(30)
class AccessLogTest {

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;
    static Path log;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("logged");
        log = dir.resolve("access.log");
        serai = RunningSerai.proxyTo(backend, """
                        - route:
                            id: refused
                            from:
                              uri: "netty-http:http://127.0.0.1:{{serai.port}}/refused"
                              steps:
                                - to: "netty-http:http://{{refused.backend}}"
                        """)
                .property("refused.backend", "127.0.0.1:" + TestBackend.refusingPort())
                .property("serai.access-log", log.toString())
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void eachRequestIsOneJsonLineWithItsFieldsAndNoSecrets() throws Exception {
        RawResponse r = RawHttp.exchange(
                serai.port(),
                "GET /orders/7?token=abc HTTP/1.1\r\nHost: a\r\n"
                        + "Authorization: Bearer SECRET-TOKEN\r\nCookie: session=SECRET-COOKIE\r\nX-Request-Id: trace-42\r\n\r\n");
        assertEquals(200, r.status());
        JsonNode line = AccessLogLines.await(log, "trace-42");
        assertEquals("127.0.0.1", line.get("client").asText());
        assertEquals("GET", line.get("method").asText());
        assertEquals("/orders/7", line.get("path").asText());
        assertEquals(200, line.get("status").asInt());
        assertEquals(r.body().length, line.get("bytes").asLong());
        assertTrue(line.get("duration_ms").asDouble() > 0);
        assertEquals("proxy", line.get("route").asText());
        assertEquals(backend.url(), line.get("backend").asText());
        assertTrue(line.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"));
        String text = Files.readString(log);
        assertFalse(text.contains("SECRET"), "no Authorization or Cookie value is ever logged");
        assertFalse(text.contains("token=abc"), "the query is not logged");
        assertEquals("trace-42", backend.lastRequest().header("X-Request-Id"), "a valid client id is kept");
        assertEquals("trace-42", r.header("X-Request-Id"), "the client gets the id back to quote it");
        assertFalse(line.has("error"), "a served request names no error: " + line);
    }

    @Test
    void theClientGetsTheIdSeraiGaveItsRequestBack() throws Exception {
        RawResponse r = RawHttp.exchange(serai.port(), "GET /c HTTP/1.1\r\nHost: a\r\n\r\n");
        String sent = backend.lastRequest().header("X-Request-Id");
        assertEquals(sent, r.header("X-Request-Id"), "the answer carries the id the backend and the log saw");
        assertEquals(
                1, r.headers("X-Request-Id").size(), r.headers("X-Request-Id").toString());
        AccessLogLines.await(log, sent);
    }

    @Test
    void aFailedCallNamesItsKindAsTheUpstreamErrorsMetricDoes() throws Exception {
        RawResponse r =
                RawHttp.exchange(serai.port(), "GET /refused HTTP/1.1\r\nHost: a\r\nX-Request-Id: refused-1\r\n\r\n");
        assertEquals(502, r.status());
        assertEquals("refused-1", r.header("X-Request-Id"), "an error answer carries the id too");
        JsonNode line = AccessLogLines.await(log, "refused-1");
        assertEquals("connect_failed", line.path("error").asText(), line.toString());
        assertEquals("refused", line.get("route").asText());
    }

    @Test
    void aMissingOrInvalidRequestIdIsReplacedAndSentToTheBackend() throws Exception {
        RawHttp.exchange(serai.port(), "GET /a HTTP/1.1\r\nHost: a\r\nX-Request-Id: bad id with spaces\r\n\r\n");
        String sent = backend.lastRequest().header("X-Request-Id");
        assertTrue(sent.matches("[0-9a-f]{32}"), sent);
        AccessLogLines.await(log, sent);
        RawHttp.exchange(serai.port(), "GET /b HTTP/1.1\r\nHost: a\r\n\r\n");
        String generated = backend.lastRequest().header("X-Request-Id");
        assertTrue(generated.matches("[0-9a-f]{32}"), generated);
        assertFalse(generated.equals(sent));
    }

    @Test
    void aStreamedResponseIsLoggedAtItsLastByteWithAllItsBytes() throws Exception {
        backend.respondWith((request, socket, out, name) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2048\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(new byte[1024]);
            out.flush();
            try {
                Thread.sleep(600); // the backend's own pace: the client has the first half meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write(new byte[1024]);
            out.flush();
            return true;
        });
        try {
            RawResponse r =
                    RawHttp.exchange(serai.port(), "GET /slow HTTP/1.1\r\nHost: a\r\nX-Request-Id: streamed-1\r\n\r\n");
            assertEquals(2048, r.body().length);
            JsonNode line = AccessLogLines.await(log, "streamed-1");
            assertEquals(2048, line.get("bytes").asLong(), "bytes counted to the last one");
            assertTrue(line.get("duration_ms").asDouble() >= 600, "duration to the last byte: " + line);
        } finally {
            backend.respondWith(io.serai.support.Behaviours.json());
        }
    }
}
