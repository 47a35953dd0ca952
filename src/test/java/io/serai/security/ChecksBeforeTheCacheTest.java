package io.serai.security;

import io.serai.support.CacheOrigin;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static io.serai.support.CacheOrigin.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A credential check in front of the HTTP cache removes the credential, yet the cache must still treat
 * the request as authenticated (RFC 9111 section 3.5): one user's answer is never served to another
 * unless the backend marked it shareable.
 */
@Timeout(30)
class ChecksBeforeTheCacheTest {

    private static final String ROUTES = """
            - beans:
                - name: keys
                  type: "#class:io.serai.security.ApiKeyCheck"
                  properties:
                    keys: "alice:key-of-alice,bob:key-of-bob"
                    identityHeader: X-Api-Key-Name
                - name: office
                  type: "#class:io.serai.security.ClientAddressCheck"
                  properties:
                    allow: "127.0.0.0/8"
            - route:
                id: keyed
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/keyed?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: keys
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            - route:
                id: by-address
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/office?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: office
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    static CacheOrigin origin;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        origin = CacheOrigin.start();
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", origin.hostPort())
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        origin.close();
    }

    private static RawResponse get(String path, String key) throws IOException {
        return RawHttp.exchange(
                serai.port(),
                "GET " + path + " HTTP/1.1\r\nHost: a\r\n" + (key == null ? "" : "X-Api-Key: " + key + "\r\n")
                        + "\r\n");
    }

    @Test
    void aPerUserAnswerIsNotStoredSoBobNeverGetsAlices() throws IOException {
        origin.on(
                "/me",
                (request, nth) -> ok("account of " + request.header("X-Api-Key-Name"), "Cache-Control", "max-age=60"));
        assertEquals("account of alice", get("/keyed/me", "key-of-alice").bodyText());
        assertEquals("account of bob", get("/keyed/me", "key-of-bob").bodyText());
        assertEquals(2, origin.count("/me"));
    }

    @Test
    void anAnswerTheBackendMarksPublicIsSharedBetweenUsers() throws IOException {
        origin.on("/catalog", (request, nth) -> ok("catalog " + nth, "Cache-Control", "public, max-age=60"));
        assertEquals("catalog 1", get("/keyed/catalog", "key-of-alice").bodyText());
        RawResponse bob = get("/keyed/catalog", "key-of-bob");
        assertEquals("catalog 1", bob.bodyText());
        assertEquals(1, origin.count("/catalog"));
        assertEquals(401, get("/keyed/catalog", null).status(), "the cache is behind the check");
    }

    @Test
    void anAddressCheckIsNoCredentialSoTheCacheWorksAsUsual() throws IOException {
        origin.on("/page", (request, nth) -> ok("page " + nth, "Cache-Control", "max-age=60"));
        assertEquals("page 1", get("/office/page", null).bodyText());
        assertEquals("page 1", get("/office/page", null).bodyText());
        assertEquals(1, origin.count("/page"));
    }
}
