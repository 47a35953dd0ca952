package io.serai.security;

import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import io.serai.support.TlsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Security response fields as a browser gets them, over plain HTTP and TLS, on answers of every kind. */
@Timeout(30)
class SecurityHeadersTest {

    private static final String ROUTES = """
            - beans:
                - name: defaults
                  type: "#class:io.serai.security.SecurityHeaders"
                - name: strict
                  type: "#class:io.serai.security.SecurityHeaders"
                  properties:
                    hsts: "max-age=63072000; includeSubDomains"
                    frameOptions: SAMEORIGIN
                    referrerPolicy: no-referrer
                    contentSecurityPolicy: "default-src 'self'"
                    override: true
                    hideHeaders: "Server, X-Powered-By"
            - route:
                id: plain
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/plain?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: defaults
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: strict
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/strict?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: strict
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: gone
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/gone?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: defaults
                    - to: "netty-http:{{refused.url}}"
            - route:
                id: secure
                from:
                  uri: "netty-http:https://127.0.0.1:{{tls.port}}/?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: defaults
                    - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;
    static TestCertificates authority;
    static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        authority = TestCertificates.authority("Serai Test CA");
        Path[] cert = authority.issue("localhost", "127.0.0.1").write(dir, "server");
        backend = TestBackend.start("app")
                .respondWith(Behaviours.status(
                        200,
                        Map.of(
                                "Content-Type",
                                "text/html",
                                "Content-Security-Policy",
                                "script-src 'none'",
                                "Server",
                                "app/1.0",
                                "X-Powered-By",
                                "PHP/8"),
                        "<p>hi</p>"));
        tlsPort = RunningSerai.freePort();
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("refused.url", TestBackend.refusingUrl())
                .property("tls.port", tlsPort)
                .property("serai.tls.cert", cert[0])
                .property("serai.tls.key", cert[1])
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void byDefaultNosniffAndDenyAreAddedAndTheBackendsPolicyPassesThroughButNoHstsOverPlainHttp() throws IOException {
        RawResponse r = RawHttp.exchange(serai.port(), "GET /plain/page HTTP/1.1\r\nHost: site\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
        assertEquals("DENY", r.header("X-Frame-Options"));
        assertEquals(List.of("script-src 'none'"), r.headers("Content-Security-Policy"));
        assertFalse(r.hasHeader("Strict-Transport-Security"), "RFC 6797 7.2: never over plain HTTP");
        assertFalse(r.hasHeader("Referrer-Policy"));
        assertEquals("app/1.0", r.header("Server"));
    }

    @Test
    void overTlsHstsIsAdded() throws Exception {
        TlsClient.Answer answer = TlsClient.get(tlsPort, "localhost", "TLSv1.3", authority.ca());
        assertTrue(answer.text().startsWith("HTTP/1.1 200"), answer.text());
        assertTrue(answer.text().contains("\r\nStrict-Transport-Security: max-age=31536000\r\n"), answer.text());
        assertTrue(answer.text().contains("\r\nX-Content-Type-Options: nosniff\r\n"), answer.text());
    }

    @Test
    void overrideReplacesTheBackendsFieldsAndHiddenOnesAreRemoved() throws IOException {
        RawResponse r = RawHttp.exchange(serai.port(), "GET /strict/page HTTP/1.1\r\nHost: site\r\n\r\n");
        assertEquals(List.of("default-src 'self'"), r.headers("Content-Security-Policy"));
        assertEquals("SAMEORIGIN", r.header("X-Frame-Options"));
        assertEquals("no-referrer", r.header("Referrer-Policy"));
        assertFalse(r.hasHeader("Server"));
        assertFalse(r.hasHeader("X-Powered-By"));
        assertFalse(r.hasHeader("Strict-Transport-Security"));
    }

    @Test
    void anErrorSeraiMakesCarriesThemToo() throws IOException {
        RawResponse r = RawHttp.exchange(serai.port(), "GET /gone/page HTTP/1.1\r\nHost: site\r\n\r\n");
        assertEquals(502, r.status());
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
        assertEquals("DENY", r.header("X-Frame-Options"));
    }

    @Test
    void invalidSettingsAreRefusedNamingThem() {
        SecurityHeaders headers = new SecurityHeaders();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> headers.setFrameOptions("ALLOW-FROM x"));
        assertTrue(e.getMessage().contains("frameOptions"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> headers.setHsts("max-age=1\r\nX-Injected: 1"));
        assertThrows(IllegalArgumentException.class, () -> headers.setContentSecurityPolicy(" "));
    }
}
