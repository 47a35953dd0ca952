package io.serai.caching;

import io.serai.support.CacheOrigin;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static io.serai.support.CacheOrigin.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code serai.cache.targeted-field} names Serai's own targeted field (RFC 9213) and
 * {@code serai.cache.strip-cdn-cache-control} keeps CDN-Cache-Control from clients: a Serai started
 * with {@code Acme-CDN-Cache-Control} and stripping on.
 */
@Timeout(30)
class TargetedFieldSettingsTest {

    private static final String ROUTES = """
            - route:
                id: cached-acme
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    private static CacheOrigin origin;
    private static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        origin = CacheOrigin.start();
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", origin.hostPort())
                .property("serai.admin.enabled", "false")
                .property("serai.cache.targeted-field", "Acme-CDN-Cache-Control")
                .property("serai.cache.strip-cdn-cache-control", "true")
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        origin.close();
    }

    @Test
    void theConfiguredFieldGovernsTheCacheAndIsStrippedWithCdnCacheControl() throws IOException {
        origin.on(
                "/acme",
                (r, n) -> ok(
                        "a" + n,
                        "Acme-CDN-Cache-Control",
                        "max-age=40",
                        "CDN-Cache-Control",
                        "no-store",
                        "Cache-Control",
                        "no-cache"));
        RawResponse miss = get("/acme");
        RawResponse hit = get("/acme");
        assertEquals("a1", hit.bodyText());
        assertTrue(hit.header("Cache-Status").matches("serai; hit; ttl=(39|40)"), hit.header("Cache-Status"));
        for (RawResponse answer : new RawResponse[] {miss, hit}) {
            assertFalse(answer.hasHeader("Acme-CDN-Cache-Control"));
            assertFalse(answer.hasHeader("CDN-Cache-Control"), "stripped: serai.cache.strip-cdn-cache-control");
            assertEquals("no-cache", answer.header("Cache-Control"));
        }
    }

    @Test
    void theDefaultFieldNameIsThenNothingSpecial() throws IOException {
        origin.on("/plain", (r, n) -> ok("p" + n, "Serai-Cache-Control", "max-age=60", "Cache-Control", "no-store"));
        RawResponse first = get("/plain");
        assertEquals("max-age=60", first.header("Serai-Cache-Control"), "not the configured field: passed on");
        assertEquals("p2", get("/plain").bodyText());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Cache-Control",
                "cdn-cache-control",
                "My Field",
                "X:Y",
                "Ünicode",
                "ETag",
                "Set-Cookie",
                "Content-Length",
                "Acme-CDN",
                "-Cache-Control"
            })
    void aTargetedFieldThatIsNoFieldOfItsOwnIsRefusedAtStart(String name) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> CacheSettings.from(Map.of("serai.cache.targeted-field", name)::get));
        assertTrue(e.getMessage().startsWith("serai.cache.targeted-field: \"" + name + "\""), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Acme-CDN-Cache-Control", "edge-cache-control", "Serai-Cache-Control"})
    void aTargetedFieldEndingInCacheControlIsAccepted(String name) {
        assertEquals(
                name,
                CacheSettings.from(Map.of("serai.cache.targeted-field", name)::get)
                        .targetedField());
    }

    private static RawResponse get(String path) throws IOException {
        return RawHttp.exchange(serai.port(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }
}
