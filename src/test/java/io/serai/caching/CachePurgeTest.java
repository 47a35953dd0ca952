package io.serai.caching;

import io.serai.support.CacheOrigin;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.StreamingBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static io.serai.support.CacheOrigin.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Purges through the admin listener by URL prefix and by tag ({@code Surrogate-Key}, {@code Cache-Tag}),
 * with a counting origin: what was purged goes to the backend again, the rest is still a hit, and no
 * client ever sees a tag field.
 */
@Timeout(30)
class CachePurgeTest {

    private static final String ROUTES = """
            - route:
                id: purged
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            - route:
                id: purged-twin
                from:
                  uri: "netty-http:http://127.0.0.1:{{twin.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            - route:
                id: purged-streamed
                from:
                  uri: "netty-http:http://127.0.0.1:{{streamed.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:http://{{backend.streamed}}"
            """;

    @TempDir
    static Path dir;

    private static CacheOrigin origin;
    private static RunningSerai serai;
    private static int adminPort;
    private static int twinPort;
    private static int streamedPort;
    private static StreamingBackend streaming;

    @BeforeAll
    static void start() throws Exception {
        origin = CacheOrigin.start();
        int[] ports = RunningSerai.freePorts(3);
        adminPort = ports[0];
        twinPort = ports[1];
        streamedPort = ports[2];
        // A tagged body that streams (chunks 100 ms apart): its fields are stored when it has passed whole.
        streaming = StreamingBackend.start(c -> {
            c.readHead();
            c.head(200, "Cache-Control", "max-age=60", "Surrogate-Key", "streamed", "Transfer-Encoding", "chunked");
            c.chunk("first ");
            c.pause(Duration.ofMillis(100));
            c.chunk("second");
            c.endChunks();
        });
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", origin.hostPort())
                .property("twin.port", twinPort)
                .property("streamed.port", streamedPort)
                .property("backend.streamed", streaming.hostPort())
                .property("serai.admin.port", adminPort)
                .property("serai.admin.token", "s3cret")
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        origin.close();
        streaming.close();
    }

    @Test
    void aTagPurgeDropsEveryResponseThatCarriedTheTagAndNoOther() throws IOException {
        tagged("/tag/a", "Surrogate-Key", "red  blue");
        tagged("/tag/b", "Cache-Tag", "blue,green");
        tagged("/tag/c", "Cache-Tag", "reddish, yellow");
        tagged("/tag/d", "X-Other", "red");
        for (String path : new String[] {"/tag/a", "/tag/b", "/tag/c", "/tag/d"}) {
            assertNoTags(get(path));
            RawResponse hit = get(path);
            assertTrue(hit.header("Cache-Status").startsWith("serai; hit"), hit.header("Cache-Status"));
            assertNoTags(hit);
        }

        assertEquals("{\"purged\":1}", purge("tag=red").bodyText().trim());
        assertEquals("/tag/a 2", get("/tag/a").bodyText());
        assertEquals("/tag/b 1", get("/tag/b").bodyText());
        assertEquals("/tag/c 1", get("/tag/c").bodyText(), "tags are compared whole: reddish is not red");
        assertEquals("/tag/d 1", get("/tag/d").bodyText());

        assertEquals(
                "{\"purged\":3}",
                purge("tag=green&tag=blue&tag=yellow").bodyText().trim(),
                "the union");
        assertEquals("/tag/a 3", get("/tag/a").bodyText());
        assertEquals("/tag/b 2", get("/tag/b").bodyText());
        assertEquals("/tag/c 2", get("/tag/c").bodyText());
        assertEquals("/tag/d 1", get("/tag/d").bodyText());
        assertEquals("{\"purged\":0}", purge("tag=absent").bodyText().trim());
    }

    @Test
    void aTagPurgeReachesEveryRouteAndTagsNeverReachAClient() throws IOException {
        tagged("/tag/both", "Surrogate-Key", "shared");
        get("/tag/both");
        RawResponse twin = RawHttp.exchange(twinPort, "GET /tag/both HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertNoTags(twin);
        assertEquals("{\"purged\":2}", purge("tag=shared").bodyText().trim());
        assertEquals("/tag/both 3", get("/tag/both").bodyText());
        RawResponse posted = RawHttp.exchange(
                serai.port(), "POST /tag/both HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
        assertTrue(posted.header("Cache-Status").contains("fwd=method"), posted.header("Cache-Status"));
        assertNoTags(posted);
        origin.on("/tag/private", (r, n) -> ok("p" + n, "Cache-Control", "private", "Cache-Tag", "p"));
        assertNoTags(get("/tag/private"));
    }

    @Test
    void aStreamedResponseKeepsItsTagsForPurgingButNeverShowsThem() throws IOException {
        RawResponse streamed = streamedGet();
        assertEquals("serai; fwd=uri-miss; detail=streamed", streamed.header("Cache-Status"));
        assertEquals("first second", streamed.bodyText());
        assertNoTags(streamed);
        Waits.upTo(Duration.ofSeconds(5))
                .until(() -> streamedGet().header("Cache-Status").startsWith("serai; hit"));
        assertNoTags(streamedGet());
        int before = streaming.conversations().size();
        assertEquals("{\"purged\":1}", purge("tag=streamed").bodyText().trim());
        assertEquals("serai; fwd=uri-miss; detail=streamed", streamedGet().header("Cache-Status"));
        assertEquals(before + 1, streaming.conversations().size());
    }

    @Test
    void aPrefixPurgeDropsTheUrlsUnderItOnEveryRoute() throws IOException {
        for (String path : new String[] {"/pre/one", "/pre/one/two", "/pre/one/two?x=1", "/pre/onex", "/other/one"}) {
            origin.on(path.replaceAll("\\?.*", ""), (r, n) -> ok(r.target() + " " + n, "Cache-Control", "max-age=60"));
            get(path);
        }
        RawHttp.exchange(twinPort, "GET /pre/one/two HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals(
                "{\"purged\":3}",
                purge("prefix=http://127.0.0.1/pre/one/").bodyText().trim());
        // The origin counts /pre/one/two with its query: 3 requests so far, one of them the twin route's.
        assertTrue(get("/pre/one/two").bodyText().endsWith(" 4"));
        assertTrue(get("/pre/one/two?x=1").bodyText().endsWith(" 5"));
        assertTrue(get("/pre/one").bodyText().endsWith(" 1"));
        assertTrue(get("/pre/onex").bodyText().endsWith(" 1"));
        assertEquals(
                "{\"purged\":0}",
                purge("prefix=http://elsewhere/pre/").bodyText().trim());
        purge("prefix=http://127.0.0.1/pre");
        assertTrue(get("/pre/onex").bodyText().endsWith(" 2"));
        assertTrue(get("/other/one").bodyText().endsWith(" 1"));
    }

    @Test
    void prefixAndTagPurgesNeedTheTokenAndAnAbsolutePrefix() throws IOException {
        RawResponse refused = RawHttp.exchange(adminPort, "DELETE /cache?tag=red HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(401, refused.status());
        refused = RawHttp.exchange(adminPort, "DELETE /cache?prefix=http://127.0.0.1/ HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(401, refused.status());
        RawResponse relative = purge("prefix=/pre/");
        assertEquals(400, relative.status());
        assertTrue(relative.bodyText().contains("prefix must be absolute"), relative.bodyText());
    }

    @ParameterizedTest(name = "?{0} -> 400 {1}")
    @CsvSource(delimiter = '|', textBlock = """
            tag=                                                   | empty tag=
            tag=kept&tag=                                          | empty tag=
            url=                                                   | empty url=
            prefix=                                                | empty prefix=
            tags=kept                                              | unknown parameter
            Tag=kept                                               | unknown parameter
            tag                                                    | unknown parameter
            tag=kept&                                              | unknown parameter
            tag=kept&url=http://127.0.0.1/refused/kept             | one of url=, prefix= or tag=
            url=http://127.0.0.1/refused/kept&prefix=http://127.0.0.1/ | one of url=, prefix= or tag=
            url=http://127.0.0.1/a&url=http://127.0.0.1/b          | url= given twice
            tag=%zz                                                | malformed %-escape
            url=refused/kept                                       | url refused: request target must start with /
            prefix=http://127.0.0.1/a%2500                         | prefix refused: NUL (%00) in the path
            prefix=http://a@b/                                     | prefix refused: absolute request target with an invalid authority
            """)
    void aPurgeQueryThatIsNotOneOfTheFormsIsRefusedAndPurgesNothing(String query, String error) throws IOException {
        tagged("/refused/kept", "Cache-Tag", "kept");
        get("/refused/kept");
        int before = origin.count("/refused/kept");
        RawResponse refused = purge(query);
        assertEquals(400, refused.status(), refused.bodyText());
        assertEquals("application/json", refused.header("Content-Type"));
        assertTrue(refused.bodyText().startsWith("{\"error\":\"" + error), refused.bodyText());
        RawResponse kept = get("/refused/kept");
        assertTrue(kept.header("Cache-Status").startsWith("serai; hit"), kept.header("Cache-Status"));
        assertEquals(before, origin.count("/refused/kept"));
    }

    @Test
    void aPrefixPurgeStopsAtTheEndOfTheHost() throws IOException {
        origin.on("/hosts/a", (r, n) -> ok("answer " + n, "Cache-Control", "max-age=60"));
        assertEquals("answer 1", onHost("127.0.0.1").bodyText());
        assertEquals("answer 2", onHost("127.0.0.10").bodyText());
        assertEquals(
                "{\"purged\":1}",
                purge("prefix=http://127.0.0.1/hosts/").bodyText().trim());
        assertEquals("answer 2", onHost("127.0.0.10").bodyText(), "127.0.0.10 is another host");
        assertEquals("answer 3", onHost("127.0.0.1").bodyText());
        assertEquals(
                "{\"purged\":1}", purge("prefix=http://127.0.0.10").bodyText().trim());
        assertEquals("answer 4", onHost("127.0.0.10").bodyText());
        assertEquals("answer 3", onHost("127.0.0.1").bodyText());
    }

    @Test
    void aCacheTagIsMatchedWithoutRegardToCaseASurrogateKeyExactly() throws IOException {
        tagged("/case/tag", "Cache-Tag", "Product-42");
        tagged("/case/key", "Surrogate-Key", "Product-42");
        get("/case/tag");
        get("/case/key");
        assertEquals("{\"purged\":1}", purge("tag=product-42").bodyText().trim());
        assertEquals("/case/tag 2", get("/case/tag").bodyText());
        assertEquals("/case/key 1", get("/case/key").bodyText());
        assertEquals("{\"purged\":2}", purge("tag=Product-42").bodyText().trim());
    }

    // --- helpers --------------------------------------------------------------------------------

    private static void tagged(String path, String field, String tags) {
        origin.on(path, (r, n) -> ok(path + " " + n, "Cache-Control", "max-age=60", field, tags));
    }

    private static void assertNoTags(RawResponse response) {
        assertFalse(response.hasHeader("Surrogate-Key"), "Surrogate-Key reached the client");
        assertFalse(response.hasHeader("Cache-Tag"), "Cache-Tag reached the client");
    }

    private static RawResponse purge(String query) throws IOException {
        return RawHttp.exchange(
                adminPort, "DELETE /cache?" + query + " HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer s3cret\r\n\r\n");
    }

    private static RawResponse streamedGet() throws IOException {
        return RawHttp.exchange(streamedPort, "GET /streamed HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }

    private static RawResponse onHost(String host) throws IOException {
        return RawHttp.exchange(serai.port(), "GET /hosts/a HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    }

    private static RawResponse get(String path) throws IOException {
        return RawHttp.exchange(serai.port(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }
}
