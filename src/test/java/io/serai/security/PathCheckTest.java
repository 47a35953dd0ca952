package io.serai.security;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.StartFailure;
import io.serai.support.TestBackend;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PathCheck: deny and allow by path prefix on whole segments, held against every way a backend may read
 * the path: denied when any reading is under a denied prefix, allowed only when every reading is under an
 * allowed one. Encoded slashes pass to these routes (serai.path.allow-encoded-slash), so the readings differ.
 */
@Timeout(30)
class PathCheckTest {

    private static final String ROUTES = """
            - beans:
                - name: denyAdmin
                  type: "#class:io.serai.security.PathCheck"
                  properties:
                    deny: "/admin/, /internal/api"
                - name: onlyPublic
                  type: "#class:io.serai.security.PathCheck"
                  properties:
                    allow: "/public, /docs"
                    deny: "/public/secret"
            - route:
                id: deny-rule
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: denyAdmin
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: allow-rule
                from:
                  uri: "netty-http:http://127.0.0.1:{{port.b}}/?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: onlyPublic
                    - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;
    static int portB;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("b1");
        portB = RunningSerai.freePort();
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("port.b", portB)
                .property("serai.path.allow-encoded-slash", "true")
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    private static int status(int port, String target) throws IOException {
        RawResponse r = RawHttp.exchange(port, "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
        return r.status();
    }

    @ParameterizedTest(name = "deny /admin/: {0} gets {1}")
    @CsvSource({
        "/admin, 403",
        "/admin/, 403",
        "/admin/x, 403",
        "/ADMIN/x, 403",
        "/aDmIn, 403",
        "/admin;jsessionid=1/x, 403",
        "/admin./x, 403",
        "/admin%2Fx, 403",
        "/ok%2F..%2Fadmin/x, 403",
        "/internal/api/x, 403",
        "/Internal/API, 403",
        "/administrator, 200",
        "/internal, 200",
        "/internal/apis, 200",
        "/ok/admin, 200",
    })
    void aDeniedPrefixIsDeniedUnderEveryReading(String target, int status) throws IOException {
        assertEquals(status, status(serai.port(), target), target);
    }

    @ParameterizedTest(name = "allow /public, /docs: {0} gets {1}")
    @CsvSource({
        "/public, 200",
        "/public/x, 200",
        "/docs/a/b, 200",
        "/public/page;jsessionid=1, 200",
        "/public;v=1/x, 403",
        "/PUBLIC/x, 403",
        "/publicity, 403",
        "/private, 403",
        "/, 403",
        "/public/a%2F..%2F..%2Fprivate, 403",
        "/public/secret/x, 403",
        "/public/SECRET, 403",
    })
    void anAllowedPrefixIsAllowedOnlyUnderEveryReading(String target, int status) throws IOException {
        assertEquals(status, status(portB, target), target);
    }

    @Test
    void aRefusalNamesNoPath() throws IOException {
        RawResponse r = RawHttp.exchange(serai.port(), "GET /admin/secret-name HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals("403 Forbidden: path not allowed\n", r.bodyText());
    }

    @Test
    void aPrefixThatIsNotAPlainPathFailsTheStartNamingIt() {
        String messages = StartFailure.messages(PathCheck.class, "deny: \"admin;x\"", dir);
        assertTrue(messages.contains("admin;x"), messages);
    }
}
