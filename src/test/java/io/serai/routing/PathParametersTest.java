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
 * A path parameter ({@code /profile/{id}}) is one segment: decoded once, refused when it cannot be one
 * value, and percent-encoded again where a backend URI puts it, so it never adds a segment, a dot segment
 * or a query parameter to what the backend receives.
 */
@Timeout(30)
class PathParametersTest {

    private static final String ROUTES = """
            - route:
                id: segment
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/p/{id}"
                  steps:
                    - to: "netty-http:http://{{backend.1}}/users/{id}"
            - route:
                id: query
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/q/{id}"
                  steps:
                    - to: "netty-http:http://{{backend.1}}/orders?query=RAW(user={id}&x=1)"
            - route:
                id: header
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/h/{id}"
                  steps:
                    - setBody:
                        simple: "${header.id}"
            """;

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;
    static RunningSerai slashes;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("b1");
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .start(dir);
        slashes = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("serai.path.allow-encoded-slash", "true")
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        slashes.close();
        backend.close();
    }

    private static RawResponse get(RunningSerai on, String target) throws IOException {
        return RawHttp.exchange(on.port(), "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    @ParameterizedTest(name = "{0} reaches the backend as {1}")
    @CsvSource({
        "/p/7, /users/7",
        "/p/7&admin=true, /users/7%26admin%3Dtrue",
        "/p/a%20b, /users/a%20b",
        "/p/J%c3%b6rg, /users/J%C3%B6rg",
        "/p/%41bc, /users/Abc",
        "/p/7;jsessionid=x, /users/7",
        "/q/7&admin=true, /orders?user=7%26admin%3Dtrue&x=1",
        "/q/a=b%23c, /orders?user=a%3Db%23c&x=1",
    })
    void aValueIsEncodedForThePlaceItIsPut(String target, String received) throws IOException {
        RawResponse r = get(serai, target);
        assertEquals(200, r.status(), r.bodyText());
        assertEquals(received, backend.lastRequest().target());
    }

    @ParameterizedTest(name = "{0} never reaches the backend")
    @ValueSource(strings = {"/p/..", "/p/%2e%2e", "/p/.", "/p/", "/p//", "/p/a%2Fb", "/p/%FF", "/p/a%0Ab", "/p/%00"})
    void aValueThatIsNotOneSegmentIsRefused(String target) throws IOException {
        int before = backend.requests().size();
        RawResponse r = get(serai, target);
        assertTrue(r.status() == 400 || r.status() == 404, target + ": " + r.status() + " " + r.bodyText());
        assertEquals(before, backend.requests().size(), target + " reached the backend");
    }

    @Test
    void anEncodedSlashAllowedInPathsIsStillRefusedInAParameter() throws IOException {
        int before = backend.requests().size();
        RawResponse r = get(slashes, "/p/a%2Fb");
        assertEquals(400, r.status(), r.bodyText());
        assertEquals(
                "400 Bad Request: path parameter {id} must be one segment (not empty, . or .., no encoded slash"
                        + " or control character)\n",
                r.bodyText());
        assertEquals(before, backend.requests().size());
    }

    @Test
    void theRouteSeesTheDecodedValue() throws IOException {
        assertEquals("J\u00f6rg & co", get(serai, "/h/J%C3%B6rg%20&%20co").bodyText());
    }
}
