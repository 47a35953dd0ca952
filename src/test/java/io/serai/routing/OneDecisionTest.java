package io.serai.routing;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One decision per request: the normalized path picks the route, is what its access check sees and is
 * what the backend receives, so no spelling of a protected path reaches its backend through an open
 * route. Each case was a bypass when Camel's multiplexer picked routes from the raw target.
 */
@Timeout(30)
class OneDecisionTest {

    private static final String ROUTES = """
            - beans:
                - name: apiKeys
                  type: "#class:io.serai.security.ApiKeyCheck"
                  properties:
                    keys: "test:k-123"
            # Port A: an open root and a protected /api.
            - route:
                id: open-root
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: protected-api
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/api?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: apiKeys
                    - to: "netty-http:http://{{backend.1}}/api"
            # Port B: a protected root and an open /public.
            - route:
                id: protected-root
                from:
                  uri: "netty-http:http://127.0.0.1:{{port.b}}/?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: apiKeys
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: open-public
                from:
                  uri: "netty-http:http://127.0.0.1:{{port.b}}/public?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}/public"
            """;

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;
    static int portA;
    static int portB;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("b1");
        int[] ports = RunningSerai.freePorts(2);
        portA = ports[0];
        portB = ports[1];
        serai = RunningSerai.routes(ROUTES)
                .property("serai.port", portA)
                .property("port.b", portB)
                .property("backend.1", backend.hostPort())
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    private static RawResponse get(int port, String target, String... headers) throws IOException {
        StringBuilder raw = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: h\r\n");
        for (String h : headers) {
            raw.append(h).append("\r\n");
        }
        return RawHttp.exchange(port, raw.append("\r\n").toString());
    }

    @ParameterizedTest(name = "{0} is routed to the protected /api route")
    @ValueSource(
            strings = {
                "/api/secret",
                "/api/secret?x=:PORT",
                "/x/../api/secret",
                "/./api/secret",
                "//api/secret",
                "/%61pi/secret",
                "/x/%2e%2e/api/secret",
                "/api;v=1/secret",
                "/api./secret",
                "/api",
                "/api/"
            })
    void everySpellingOfAProtectedPathMeetsItsCheck(String target) throws IOException {
        int before = backend.requests().size();
        RawResponse r = get(portA, target.replace(":PORT", ":" + portA));
        assertEquals(401, r.status(), target + ": " + r.bodyText());
        assertEquals(before, backend.requests().size(), target + " reached the backend without a key");
    }

    @Test
    void anAbsoluteFormTargetNamingAnotherPortIsRoutedByItsPathNotByThePort() throws IOException {
        int before = backend.requests().size();
        RawResponse r = get(portA, "http://127.0.0.1/api/secret");
        assertEquals(401, r.status(), r.bodyText());
        assertEquals(before, backend.requests().size());
    }

    @ParameterizedTest(name = "{0} reaches the backend as {1}")
    @CsvSource({
        "/x/../api/secret, /api/secret",
        "/%61pi//secret/./y, /api/secret/y",
        "/api;v=1/secret, /api/secret",
        "/api/secret?x=:PORT&y=%2F, /api/secret?x=:PORT&y=%2F",
    })
    void theBackendReceivesThePathTheRouteWasChosenBy(String target, String received) throws IOException {
        RawResponse r = get(portA, target.replace(":PORT", ":" + portA), "X-Api-Key: k-123");
        assertEquals(200, r.status(), r.bodyText());
        assertEquals(
                received.replace(":PORT", ":" + portA), backend.lastRequest().target());
    }

    @ParameterizedTest(name = "{0} meets the protected root")
    @ValueSource(
            strings = {"/public/../admin", "/public/%2e%2e/admin", "/publicity/../admin", "/publicity", "/PUBLIC/x"})
    void aPathOutsideTheOpenPrefixIsNotOpen(String target) throws IOException {
        int before = backend.requests().size();
        RawResponse r = get(portB, target);
        assertTrue(r.status() == 401 || r.status() == 400, target + ": " + r.status() + " " + r.bodyText());
        assertEquals(before, backend.requests().size(), target + " reached the backend without a key");
    }

    @ParameterizedTest(name = "{0} is open and reaches the backend as {1}")
    @CsvSource({
        "/public, /public",
        "/public/, /public/",
        "/public/a/../b, /public/b",
        "/public;x=1/b, /public/b",
        "/public..;/admin, /public/admin",
    })
    void theOpenPrefixMatchesOnSegmentBoundaries(String target, String received) throws IOException {
        RawResponse r = get(portB, target);
        assertEquals(200, r.status(), r.bodyText());
        assertEquals(received, backend.lastRequest().target());
    }

    @ParameterizedTest(name = "{0} is refused with 400 before any route")
    @ValueSource(
            strings = {
                "/api%2Fsecret",
                "/x%2F..%2Fapi/secret",
                "/api%00/secret",
                "/api%5Csecret",
                "/api\\secret",
                "@evil.com/",
                "/api/secret#frag",
                "/..;/api/secret"
            })
    void targetsBackendsDisagreeOnAreRefused(String target) throws IOException {
        int before = backend.requests().size();
        RawResponse r = get(portA, target);
        assertEquals(400, r.status(), target + ": " + r.bodyText());
        assertTrue(!r.bodyText().contains(target), "the refusal echoes the target: " + r.bodyText());
        assertEquals(before, backend.requests().size());
    }

    @Test
    void theRouteSeesTheNormalizedPathAsSeraiPath() throws Exception {
        try (RunningSerai echo = RunningSerai.routes("""
                - route:
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                      steps:
                        - setBody:
                            simple: "${exchangeProperty.seraiPath}|${header.CamelHttpPath}|${header.CamelHttpUri}"
                """).start(dir)) {
            RawResponse r = RawHttp.exchange(echo.port(), "GET /a/./b/../%63//d?q=1 HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals("/a/c/d|/a/c/d|/a/c/d", r.bodyText());
        }
    }
}
