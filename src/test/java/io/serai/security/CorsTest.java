package io.serai.security;

import io.serai.support.Behaviours;
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
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CORS as a browser sees it: preflights answered by Serai, fields on every answer for allowed origins. */
@Timeout(30)
class CorsTest {

    private static final String ROUTES = """
            - beans:
                - name: appCors
                  type: "#class:io.serai.security.Cors"
                  properties:
                    allowOrigins: "https://app.example.com, https://*.tools.example.com"
                    allowMethods: "GET, POST, PUT, DELETE"
                    allowHeaders: "Authorization, X-Request-Id"
                    exposeHeaders: "X-Total-Count"
                    allowCredentials: true
                    maxAge: 10m
                - name: openCors
                  type: "#class:io.serai.security.Cors"
                  properties:
                    allowOrigins: "*"
                    allowHeaders: "*"
                - name: pass
                  type: "#class:io.serai.security.AccessCheckTest$PassHeaderCheck"
            - route:
                id: app
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/app?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: appCors
                    - process:
                        ref: pass
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: open
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/open?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: openCors
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: gone
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/gone?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: appCors
                    - to: "netty-http:{{refused.url}}"
            """;

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("cors")
                .respondWith(Behaviours.status(
                        200,
                        Map.of(
                                "Access-Control-Allow-Origin",
                                "*",
                                "Vary",
                                "Accept-Encoding",
                                "Content-Type",
                                "text/plain"),
                        "data"));
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("refused.url", TestBackend.refusingUrl())
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    private static RawResponse send(String raw) throws IOException {
        return RawHttp.exchange(serai.port(), raw);
    }

    @Test
    void anAllowedPreflightIsAnsweredBySeraiWith204AndNeverReachesTheBackend() throws IOException {
        int before = backend.requests().size();
        RawResponse r = send(
                "OPTIONS /app/items HTTP/1.1\r\nHost: api\r\nOrigin: https://app.example.com\r\n"
                        + "Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: authorization, x-request-id\r\n\r\n");
        assertEquals(204, r.status());
        assertEquals("https://app.example.com", r.header("Access-Control-Allow-Origin"));
        assertEquals("GET, POST, PUT, DELETE", r.header("Access-Control-Allow-Methods"));
        assertEquals("Authorization, X-Request-Id", r.header("Access-Control-Allow-Headers"));
        assertEquals("true", r.header("Access-Control-Allow-Credentials"));
        assertEquals("600", r.header("Access-Control-Max-Age"));
        assertTrue(r.header("Vary").contains("Origin"), r.header("Vary"));
        assertEquals(0, r.body().length);
        assertEquals(before, backend.requests().size(), "a preflight is Serai's to answer");
    }

    @Test
    void aSubdomainOfAWildcardOriginIsAllowedButNotTheBareDomainNorALookalike() throws IOException {
        String preflight =
                "OPTIONS /app/x HTTP/1.1\r\nHost: api\r\nOrigin: %s\r\nAccess-Control-Request-Method: DELETE\r\n\r\n";
        assertEquals(
                204, send(preflight.formatted("https://a.b.tools.example.com")).status());
        assertEquals(403, send(preflight.formatted("https://tools.example.com")).status());
        assertEquals(
                403,
                send(preflight.formatted("https://evil-tools.example.com.attacker.net"))
                        .status());
        assertEquals(
                403, send(preflight.formatted("http://a.tools.example.com")).status(), "the scheme is part of it");
    }

    @Test
    void aPreflightFromAnotherOriginOrForAnotherMethodOrHeaderIs403WithTheReason() throws IOException {
        int before = backend.requests().size();
        RawResponse origin = send("OPTIONS /app/x HTTP/1.1\r\nHost: api\r\nOrigin: https://evil.example\r\n"
                + "Access-Control-Request-Method: GET\r\n\r\n");
        assertEquals(403, origin.status());
        assertEquals("403 Forbidden: CORS origin not allowed on this route\n", origin.bodyText());
        assertNull(origin.header("Access-Control-Allow-Origin"));
        RawResponse method = send("OPTIONS /app/x HTTP/1.1\r\nHost: api\r\nOrigin: https://app.example.com\r\n"
                + "Access-Control-Request-Method: PATCH\r\n\r\n");
        assertEquals(403, method.status());
        assertEquals("403 Forbidden: CORS method not allowed on this route\n", method.bodyText());
        RawResponse header = send(
                "OPTIONS /app/x HTTP/1.1\r\nHost: api\r\nOrigin: https://app.example.com\r\n"
                        + "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: x-secret, content-type\r\n\r\n");
        assertEquals(403, header.status());
        assertEquals("403 Forbidden: CORS header not allowed on this route\n", header.bodyText());
        assertEquals(before, backend.requests().size());
    }

    @Test
    void aRefusedPreflightsBodyCarriesSeraisWordsOnlyNeverTheRequestedMethodOrHeader() throws IOException {
        RawResponse method = send("OPTIONS /app/x HTTP/1.1\r\nHost: api\r\nOrigin: https://app.example.com\r\n"
                + "Access-Control-Request-Method: <img src=x onerror=alert(1)>\r\n\r\n");
        assertEquals(403, method.status());
        assertEquals("403 Forbidden: CORS method not allowed on this route\n", method.bodyText());
        RawResponse header = send("OPTIONS /app/x HTTP/1.1\r\nHost: api\r\nOrigin: https://app.example.com\r\n"
                + "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: <script>x</script>\r\n\r\n");
        assertEquals(403, header.status());
        assertEquals("403 Forbidden: CORS header not allowed on this route\n", header.bodyText());
        assertTrue(method.headers().stream().noneMatch(h -> h.getValue().contains("<img")), "nor in a header");
    }

    @Test
    void anAllowedOriginsRequestGetsSeraisFieldsInsteadOfTheBackends() throws IOException {
        RawResponse r =
                send("GET /app/items HTTP/1.1\r\nHost: api\r\nOrigin: https://app.example.com\r\nX-Pass: yes\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals(java.util.List.of("https://app.example.com"), r.headers("Access-Control-Allow-Origin"));
        assertEquals("true", r.header("Access-Control-Allow-Credentials"));
        assertEquals("X-Total-Count", r.header("Access-Control-Expose-Headers"));
        assertEquals(java.util.List.of("Accept-Encoding", "Origin"), r.headers("Vary"));
        assertEquals(
                "https://app.example.com", backend.lastRequest().header("Origin"), "the backend still sees Origin");
    }

    @Test
    void anotherOriginGetsNoCorsFieldsAtAllNotEvenTheBackends() throws IOException {
        RawResponse r =
                send("GET /app/items HTTP/1.1\r\nHost: api\r\nOrigin: https://evil.example\r\nX-Pass: yes\r\n\r\n");
        assertEquals(200, r.status());
        assertFalse(r.hasHeader("Access-Control-Allow-Origin"));
        assertFalse(r.hasHeader("Access-Control-Allow-Credentials"));
        assertTrue(r.headers("Vary").contains("Origin"), "caches must keep origins apart");
    }

    @Test
    void aRefusalAndAnErrorCarryTheFieldsSoTheBrowserCanReadThem() throws IOException {
        RawResponse refused = send("GET /app/items HTTP/1.1\r\nHost: api\r\nOrigin: https://app.example.com\r\n\r\n");
        assertEquals(401, refused.status());
        assertEquals("https://app.example.com", refused.header("Access-Control-Allow-Origin"));
        RawResponse failed = send("GET /gone/x HTTP/1.1\r\nHost: api\r\nOrigin: https://app.example.com\r\n\r\n");
        assertEquals(502, failed.status());
        assertEquals("https://app.example.com", failed.header("Access-Control-Allow-Origin"));
        assertEquals("true", failed.header("Access-Control-Allow-Credentials"));
    }

    @Test
    void anyOriginGetsAStarAndTheRequestedHeadersWithoutVaryingOnOrigin() throws IOException {
        RawResponse pre = send("OPTIONS /open/x HTTP/1.1\r\nHost: api\r\nOrigin: https://anyone.example\r\n"
                + "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: x-one, x-two\r\n\r\n");
        assertEquals(204, pre.status());
        assertEquals("*", pre.header("Access-Control-Allow-Origin"));
        assertEquals("x-one, x-two", pre.header("Access-Control-Allow-Headers"));
        assertNull(pre.header("Access-Control-Allow-Credentials"));
        RawResponse r = send("GET /open/x HTTP/1.1\r\nHost: api\r\nOrigin: https://anyone.example\r\n\r\n");
        assertEquals("*", r.header("Access-Control-Allow-Origin"));
        assertEquals(java.util.List.of("Accept-Encoding"), r.headers("Vary"));
    }

    @Test
    void aRequestWithoutOriginAndAnOptionsWithoutPreflightFieldsGoToTheBackend() throws IOException {
        int before = backend.requests().size();
        RawResponse plain = send("GET /open/x HTTP/1.1\r\nHost: api\r\n\r\n");
        assertEquals(200, plain.status());
        assertFalse(
                plain.hasHeader("Access-Control-Allow-Origin"), "no Origin, no CORS: the backend's field is removed");
        RawResponse options = send("OPTIONS /open/x HTTP/1.1\r\nHost: api\r\nOrigin: https://anyone.example\r\n\r\n");
        assertEquals(200, options.status());
        assertEquals(before + 2, backend.requests().size());
    }

    @Test
    void invalidSettingsAreRefusedWithTheReason() {
        Cors cors = new Cors();
        assertThrows(IllegalArgumentException.class, () -> cors.setAllowOrigins("https://app.example.com/path"));
        assertThrows(IllegalArgumentException.class, () -> cors.setAllowOrigins("https://a.*.example.com"));
        cors.setAllowOrigins("*");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cors.setAllowCredentials(true));
        assertTrue(e.getMessage().contains("list the origins"), e.getMessage());
    }
}
