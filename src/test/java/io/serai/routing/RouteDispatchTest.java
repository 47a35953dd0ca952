package io.serai.routing;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.StartFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How Serai's dispatch picks a listener's route: by virtual host (exact, then the longest wildcard, then
 * routes without hosts), then by path on segment boundaries (a literal before a parameter, a longer match
 * before a shorter one, an exact route before a prefix), then by method.
 */
@Timeout(30)
class RouteDispatchTest {

    private static String answering(String id, String uri) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}%s"
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(id, uri, id);
    }

    private static final String ROUTES = answering("default-root", "/?matchOnUriPrefix=true")
            + answering("default-exact", "/exact")
            + answering("default-users", "/users/{id}")
            + answering("default-users-me", "/users/me")
            + answering("default-users-orders", "/users/{id}/orders?matchOnUriPrefix=true")
            + answering("default-deep", "/a/b/c?matchOnUriPrefix=true")
            + answering("default-get-only", "/only-get?httpMethodRestrict=GET,HEAD")
            + answering("api-host", "/?matchOnUriPrefix=true&virtualHosts=api.example.com")
            + answering("wild-host", "/?matchOnUriPrefix=true&virtualHosts=*.example.com")
            + answering("deeper-wild-host", "/?matchOnUriPrefix=true&virtualHosts=*.eu.example.com")
            + answering("docs-host", "/docs?virtualHosts=docs.test");

    @TempDir
    static Path dir;

    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        serai = RunningSerai.routes(ROUTES).start(dir);
    }

    @AfterAll
    static void stop() {
        serai.close();
    }

    private static RawResponse send(String method, String target, String host) throws IOException {
        return RawHttp.exchange(serai.port(), method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    }

    @ParameterizedTest(name = "{0} {1} goes to {2}")
    @CsvSource({
        "/, h, default-root",
        "/exact, h, default-exact",
        "/exact/, h, default-exact",
        "/exact/below, h, default-root",
        "/exactly, h, default-root",
        "/EXACT, h, default-root",
        "/users/7, h, default-users",
        "/users/me, h, default-users-me",
        "/users/me/orders, h, default-users-orders",
        "/users/7/orders/1, h, default-users-orders",
        "/users/7/other, h, default-root",
        "/users, h, default-root",
        "/a/b/c/d, h, default-deep",
        "/a/b, h, default-root",
        "/x, api.example.com, api-host",
        "/x, API.Example.COM:8080, api-host",
        "/x, api.example.com., api-host",
        "/x, www.example.com, wild-host",
        "/x, a.b.example.com, wild-host",
        "/x, x.eu.example.com, deeper-wild-host",
        "/x, example.com, default-root",
        "/x, badexample.com, default-root",
        "/docs, docs.test, docs-host",
    })
    void eachRequestGoesToTheMostSpecificRoute(String target, String host, String route) throws IOException {
        RawResponse r = send("GET", target, host);
        assertEquals(200, r.status(), r.bodyText());
        assertEquals(route, r.bodyText());
    }

    @Test
    void anAbsoluteFormAuthorityChoosesTheVirtualHost() throws IOException {
        RawResponse r = send("GET", "http://api.example.com/x", "other.test");
        assertEquals("api-host", r.bodyText());
    }

    @Test
    void aHostWithRoutesOfItsOwnIsServedOnlyByThem() throws IOException {
        RawResponse r = send("GET", "/elsewhere", "docs.test");
        assertEquals(404, r.status());
        assertTrue(r.bodyText().startsWith("404 Not Found: "), r.bodyText());
    }

    @Test
    void aMethodTheRouteDoesNotTakeGets405WithAllow() throws IOException {
        RawResponse r = send("POST", "/only-get", "h");
        assertEquals(405, r.status());
        assertEquals("GET, HEAD", r.header("Allow"));
        assertEquals("default-get-only", send("GET", "/only-get", "h").bodyText());
    }

    @Test
    void aRequestNoRouteTakesIsAnsweredAndTheConnectionStaysUsable() throws IOException {
        try (RawHttp c = RawHttp.connect(serai.port())) {
            RawResponse first =
                    c.send("GET /elsewhere HTTP/1.1\r\nHost: docs.test\r\n\r\n").read();
            assertEquals(404, first.status());
            RawResponse head = c.send("HEAD /elsewhere HTTP/1.1\r\nHost: docs.test\r\n\r\n")
                    .read("HEAD");
            assertEquals(404, head.status());
            RawResponse second =
                    c.send("GET /exact HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertEquals("default-exact", second.bodyText());
            assertFalse(c.closedWithin(100));
        }
    }

    @Test
    void optionsAsteriskIsAnsweredBySeraiItself() throws IOException {
        RawResponse r = send("OPTIONS", "*", "h");
        assertEquals(200, r.status());
        assertEquals(400, send("GET", "*", "h").status());
    }

    @Test
    void twoRoutesThatWouldAnswerTheSameRequestsFailTheStartNamingBoth() {
        String messages = StartFailure.messages(answering("first", "/same") + answering("second", "/same/"), dir);
        assertTrue(messages.contains("first") && messages.contains("second"), messages);
    }

    @Test
    void aBadVirtualHostFailsTheStartNamingIt() {
        String messages = StartFailure.messages(answering("bad", "/?virtualHosts=a.*.example.com"), dir);
        assertTrue(messages.contains("a.*.example.com"), messages);
    }
}
