package io.serai.security;

import io.serai.metrics.SeraiMeters;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every access check shares: the refusal a client sees, the route stopping, the metric. */
@Timeout(30)
class AccessCheckTest {

    /** Lets a request on with {@code X-Pass: yes}, refuses {@code X-Pass: no} with 403, others with 401. */
    public static final class PassHeaderCheck extends AccessCheck {
        @Override
        protected String kind() {
            return "pass-header";
        }

        @Override
        protected Verdict check(Exchange exchange) {
            String pass = exchange.getMessage().getHeader("X-Pass", String.class);
            if ("yes".equals(pass)) {
                if (!isForwardCredentials()) {
                    exchange.getMessage().removeHeader("X-Pass");
                }
                return Verdict.allow();
            }
            return pass == null
                    ? Verdict.unauthorized("Pass realm=\"test\"", "no pass")
                    : Verdict.forbidden("this pass is not allowed here");
        }
    }

    private static final String ROUTES = """
            - beans:
                - name: pass
                  type: "#class:io.serai.security.AccessCheckTest$PassHeaderCheck"
            - route:
                id: guarded
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: pass
                    - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("guarded");
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void aRequestWithoutCredentialsGets401WithTheChallengeAndNeverReachesTheBackend() throws IOException {
        int before = backend.requests().size();
        RawResponse r = RawHttp.exchange(serai.port(), "GET /secret HTTP/1.1\r\nHost: a\r\nCookie: s=1\r\n\r\n");
        assertEquals(401, r.status());
        assertEquals("Pass realm=\"test\"", r.header("WWW-Authenticate"));
        assertEquals("no-store", r.header("Cache-Control"));
        assertEquals("401 Unauthorized: no pass\n", r.bodyText());
        assertFalse(r.hasHeader("Cookie"), "nothing the client sent is echoed");
        assertEquals(before, backend.requests().size());
        assertTrue(SeraiMeters.of(serai.context())
                .scrape()
                .contains("serai_access_refused_total{check=\"pass-header\",route=\"guarded\",status=\"401\"}"));
    }

    @Test
    void aRefusedCredentialGets403WithItsReason() throws IOException {
        int before = backend.requests().size();
        RawResponse r = RawHttp.exchange(serai.port(), "GET /secret HTTP/1.1\r\nHost: a\r\nX-Pass: no\r\n\r\n");
        assertEquals(403, r.status());
        assertFalse(r.hasHeader("WWW-Authenticate"));
        assertEquals("403 Forbidden: this pass is not allowed here\n", r.bodyText());
        assertEquals(before, backend.requests().size());
    }

    @Test
    void anAllowedRequestIsForwardedWithoutTheCredential() throws IOException {
        RawResponse r = RawHttp.exchange(serai.port(), "GET /secret HTTP/1.1\r\nHost: a\r\nX-Pass: yes\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals("/secret", backend.lastRequest().target());
        assertEquals(null, backend.lastRequest().header("X-Pass"));
    }
}
