package io.serai.caching;

import io.serai.support.CacheOrigin;
import io.serai.support.HttpDate;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.serai.support.CacheOrigin.answer;
import static io.serai.support.CacheOrigin.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared cache's rules (RFC 9111, RFC 5861, RFC 9211) as a client and a counting backend see them.
 * Each test has its own paths, so the tests share one Serai and one origin.
 */
@Timeout(30)
class HttpCacheTest {

    private static final String ROUTES = """
            - route:
                id: cached
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            - route:
                id: cached-twin
                from:
                  uri: "netty-http:http://127.0.0.1:{{twin.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            - route:
                id: cached-balanced
                from:
                  uri: "netty-http:http://127.0.0.1:{{balanced.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - loadBalance:
                              roundRobinLoadBalancer: {}
                              steps:
                                - to: "netty-http:http://{{backend.1}}"
                                - to: "netty-http:http://{{backend.2}}"
            - route:
                id: cached-doomed
                from:
                  uri: "netty-http:http://127.0.0.1:{{doomed.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:http://{{backend.doomed}}"
            """;

    @TempDir
    static Path dir;

    private static CacheOrigin origin;
    private static RunningSerai serai;
    private static CacheOrigin second;
    private static CacheOrigin doomed;
    private static int twinPort;
    private static int adminPort;
    private static int balancedPort;
    private static int doomedPort;

    @BeforeAll
    static void start() throws Exception {
        origin = CacheOrigin.start();
        second = CacheOrigin.start();
        doomed = CacheOrigin.start();
        int[] ports = RunningSerai.freePorts(4);
        twinPort = ports[0];
        adminPort = ports[1];
        balancedPort = ports[2];
        doomedPort = ports[3];
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", origin.hostPort())
                .property("twin.port", twinPort)
                .property("backend.2", second.hostPort())
                .property("balanced.port", balancedPort)
                .property("backend.doomed", doomed.hostPort())
                .property("doomed.port", doomedPort)
                .property("serai.admin.port", adminPort)
                .property("serai.admin.token", "s3cret")
                .property("serai.cache.max-object", "64KiB")
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        origin.close();
        second.close();
        doomed.close();
    }

    // --- what is stored -------------------------------------------------------------------------

    @Test
    void aFreshResponseIsServedFromTheCacheWithoutTouchingTheBackend() throws IOException {
        origin.on("/fresh", (r, n) -> ok("body " + n, "Cache-Control", "max-age=60"));
        RawResponse first = get("/fresh");
        RawResponse second = get("/fresh");
        assertEquals("body 1", first.bodyText());
        assertTrue(first.header("Cache-Status").contains("fwd=uri-miss; stored"), first.header("Cache-Status"));
        assertEquals(200, second.status());
        assertEquals("body 1", second.bodyText());
        assertTrue(second.header("Cache-Status").matches("serai; hit; ttl=(59|60)"), second.header("Cache-Status"));
        assertEquals("0", second.header("Age"));
        assertEquals("max-age=60", second.header("Cache-Control"));
        assertEquals(1, origin.count("/fresh"));
    }

    @Test
    void noStoreAndPrivateResponsesAreNeverStored() throws IOException {
        origin.on("/no-store", (r, n) -> ok("n" + n, "Cache-Control", "no-store, max-age=60"));
        origin.on("/private", (r, n) -> ok("p" + n, "Cache-Control", "private, max-age=60"));
        get("/no-store");
        RawResponse again = get("/no-store");
        get("/private");
        RawResponse privateAgain = get("/private");
        assertEquals("n2", again.bodyText());
        assertEquals("p2", privateAgain.bodyText());
        assertTrue(privateAgain.header("Cache-Status").contains("detail=private"));
        assertEquals(2, origin.count("/no-store"));
        assertEquals(2, origin.count("/private"));
    }

    @Test
    void aRequestWithNoStoreIsNotStoredButMayBeAnswered() throws IOException {
        origin.on("/req-no-store", (r, n) -> ok("r" + n, "Cache-Control", "max-age=60"));
        get("/req-no-store", "Cache-Control", "no-store");
        RawResponse next = get("/req-no-store");
        assertEquals("r2", next.bodyText());
        assertEquals(2, origin.count("/req-no-store"));
    }

    @Test
    void anAuthorizedRequestIsStoredOnlyWhenTheResponseAllowsIt() throws IOException {
        origin.on("/auth-plain", (r, n) -> ok("a" + n, "Cache-Control", "max-age=60"));
        origin.on("/auth-public", (r, n) -> ok("b" + n, "Cache-Control", "public, max-age=60"));
        get("/auth-plain", "Authorization", "Bearer alice");
        RawResponse other = get("/auth-plain", "Authorization", "Bearer bob");
        assertEquals("a2", other.bodyText(), "alice's answer must not be served to bob");
        assertTrue(other.header("Cache-Status").contains("detail=authorization"));
        get("/auth-public", "Authorization", "Bearer alice");
        assertEquals("b1", get("/auth-public", "Authorization", "Bearer bob").bodyText());
        assertEquals(1, origin.count("/auth-public"));
    }

    @Test
    void unknownDirectivesGiveNoPermissionToStore() throws IOException {
        origin.on(
                "/unknown-201", (r, n) -> answer(201, "u" + n, "Cache-Control", "x-cache-everything, community=\"x\""));
        origin.on("/unknown-ext", (r, n) -> ok("e" + n, "Cache-Control", "max-age=60, x-new-directive=\"a,b\""));
        get("/unknown-201");
        assertEquals("u2", get("/unknown-201").bodyText());
        get("/unknown-ext");
        assertEquals("e1", get("/unknown-ext").bodyText(), "an unknown extension beside max-age changes nothing");
    }

    @Test
    void onlyFinalCacheableStatusesAreStored() throws IOException {
        origin.on(
                "/status-500",
                (r, n) -> answer(
                        500, "x" + n, "Last-Modified", httpDate(Instant.now().minusSeconds(86400))));
        origin.on(
                "/status-404",
                (r, n) -> answer(
                        404, "nf" + n, "Last-Modified", httpDate(Instant.now().minusSeconds(86400))));
        get("/status-500");
        assertEquals("x2", get("/status-500").bodyText(), "500 is not heuristically cacheable");
        get("/status-404");
        assertEquals("nf1", get("/status-404").bodyText(), "404 is heuristically cacheable");
    }

    @Test
    void aResponseOverTheObjectLimitPassesThroughUncached() throws IOException {
        String big = "x".repeat(70 * 1024);
        origin.on("/big", (r, n) -> ok(big, "Cache-Control", "max-age=60"));
        RawResponse first = get("/big");
        RawResponse second = get("/big");
        assertEquals(big.length(), second.body().length);
        assertTrue(first.header("Cache-Status").contains("detail=too-large"));
        assertEquals(2, origin.count("/big"));
    }

    // --- freshness and age ----------------------------------------------------------------------

    @Test
    void sMaxAgeOverridesMaxAgeForASharedCache() throws IOException {
        origin.on("/s-maxage", (r, n) -> ok("s" + n, "Cache-Control", "max-age=0, s-maxage=60"));
        get("/s-maxage");
        RawResponse hit = get("/s-maxage");
        assertEquals("s1", hit.bodyText());
        assertTrue(hit.header("Cache-Status").startsWith("serai; hit"));
    }

    @Test
    void expiresGivesTheLifetimeAndAnInvalidExpiresMeansStale() throws IOException {
        origin.on(
                "/expires",
                (r, n) -> ok(
                        "e" + n,
                        "Date",
                        httpDate(Instant.now()),
                        "Expires",
                        httpDate(Instant.now().plusSeconds(120))));
        origin.on("/expires-0", (r, n) -> ok("z" + n, "Date", httpDate(Instant.now()), "Expires", "0"));
        get("/expires");
        RawResponse hit = get("/expires");
        assertEquals("e1", hit.bodyText());
        assertTrue(hit.header("Cache-Status").matches("serai; hit; ttl=1(19|20)"), hit.header("Cache-Status"));
        get("/expires-0");
        assertEquals("z2", get("/expires-0").bodyText());
    }

    @Test
    void lastModifiedGivesABoundedHeuristicLifetime() throws IOException {
        origin.on(
                "/heuristic",
                (r, n) -> ok(
                        "h" + n,
                        "Date",
                        httpDate(Instant.now()),
                        "Last-Modified",
                        httpDate(Instant.now().minus(Duration.ofDays(100)))));
        get("/heuristic");
        RawResponse hit = get("/heuristic");
        assertEquals("h1", hit.bodyText());
        long ttl = Long.parseLong(hit.header("Cache-Status").replaceAll(".*ttl=(-?\\d+).*", "$1"));
        assertTrue(ttl > 86000 && ttl <= 86400, "10% of 100 days, capped at one day: " + ttl);
    }

    @Test
    void ageCountsTheAgeTheBackendReported() throws IOException {
        origin.on("/aged", (r, n) -> ok("a" + n, "Cache-Control", "max-age=60", "Age", "40"));
        origin.on("/too-old", (r, n) -> ok("o" + n, "Cache-Control", "max-age=60", "Age", "100"));
        get("/aged");
        RawResponse hit = get("/aged");
        assertEquals("a1", hit.bodyText());
        assertTrue(Integer.parseInt(hit.header("Age")) >= 40, hit.header("Age"));
        assertTrue(hit.header("Cache-Status").matches("serai; hit; ttl=(19|20)"), hit.header("Cache-Status"));
        get("/too-old");
        RawResponse stale = get("/too-old");
        assertEquals("o2", stale.bodyText(), "arrived already older than its max-age");
        assertTrue(stale.header("Cache-Status").contains("fwd=stale"), stale.header("Cache-Status"));
    }

    // --- Vary -----------------------------------------------------------------------------------

    @Test
    void aStoredResponseIsUsedOnlyForRequestsThatMatchItsVary() throws IOException {
        origin.on(
                "/vary",
                (r, n) -> ok(
                        r.header("Accept-Language") + " " + n,
                        "Cache-Control",
                        "max-age=60",
                        "Vary",
                        "Accept-Language"));
        assertEquals("en, fr 1", get("/vary", "Accept-Language", "en, fr").bodyText());
        assertEquals("de 2", get("/vary", "Accept-Language", "de").bodyText());
        RawResponse normalized = get("/vary", "Accept-Language", "en,fr");
        assertEquals("en, fr 1", normalized.bodyText(), "whitespace around commas does not matter");
        assertEquals("de 2", get("/vary", "Accept-Language", "de").bodyText());
        RawResponse none = get("/vary");
        assertEquals("null 3", none.bodyText());
        assertTrue(none.header("Cache-Status").contains("fwd=vary-miss"), none.header("Cache-Status"));
        assertEquals(3, origin.count("/vary"));
    }

    @Test
    void varyStarNeverMatches() throws IOException {
        origin.on("/vary-star", (r, n) -> ok("v" + n, "Cache-Control", "max-age=60", "Vary", "*"));
        get("/vary-star");
        assertEquals("v2", get("/vary-star").bodyText());
    }

    // --- validation -----------------------------------------------------------------------------

    @Test
    void aStaleResponseIsRevalidatedWithItsETagAndA304RefreshesIt() throws IOException {
        origin.on(
                "/etag",
                (r, n) -> "\"v1\"".equals(r.header("If-None-Match"))
                        ? answer(304, "", "ETag", "\"v1\"", "Cache-Control", "max-age=60", "X-Revision", "refreshed")
                        : ok(
                                "etag body",
                                "ETag",
                                "\"v1\"",
                                "Cache-Control",
                                "max-age=60",
                                "Age",
                                "61",
                                "X-Revision",
                                "first"));
        get("/etag");
        RawResponse revalidated = get("/etag");
        assertEquals(200, revalidated.status());
        assertEquals("etag body", revalidated.bodyText());
        assertEquals("refreshed", revalidated.header("X-Revision"), "a 304's fields replace the stored ones");
        assertTrue(
                revalidated.header("Cache-Status").contains("fwd=stale; fwd-status=304"),
                revalidated.header("Cache-Status"));
        assertEquals("\"v1\"", origin.requestsFor("/etag").get(1).header("If-None-Match"));
        RawResponse hit = get("/etag");
        assertTrue(hit.header("Cache-Status").startsWith("serai; hit"), "fresh again after the 304");
        assertEquals(2, origin.count("/etag"));
    }

    @Test
    void aStaleResponseWithLastModifiedIsRevalidatedWithIfModifiedSince() throws IOException {
        String modified = httpDate(Instant.now().minus(Duration.ofDays(1)));
        origin.on(
                "/last-modified",
                (r, n) -> r.header("If-Modified-Since") != null
                        ? answer(304, "", "Cache-Control", "max-age=60")
                        : ok("lm body", "Last-Modified", modified, "Cache-Control", "max-age=0"));
        get("/last-modified");
        RawResponse revalidated = get("/last-modified");
        assertEquals("lm body", revalidated.bodyText());
        assertEquals(modified, origin.requestsFor("/last-modified").get(1).header("If-Modified-Since"));
    }

    @Test
    void noCacheInTheResponseMeansEveryUseIsRevalidated() throws IOException {
        origin.on(
                "/no-cache",
                (r, n) -> r.header("If-None-Match") != null
                        ? answer(304, "", "ETag", "\"n\"", "Cache-Control", "no-cache")
                        : ok("nc body", "ETag", "\"n\"", "Cache-Control", "no-cache, max-age=600"));
        get("/no-cache");
        assertEquals("nc body", get("/no-cache").bodyText());
        assertEquals("nc body", get("/no-cache").bodyText());
        assertEquals(3, origin.count("/no-cache"));
    }

    @Test
    void aClientsOwnConditionalRequestIsAnsweredFromTheCache() throws IOException {
        String modified = httpDate(Instant.now().minus(Duration.ofDays(2)));
        origin.on(
                "/conditional",
                (r, n) -> ok("cond", "ETag", "W/\"c1\"", "Last-Modified", modified, "Cache-Control", "max-age=60"));
        get("/conditional");
        RawResponse notModified = get("/conditional", "If-None-Match", "\"other\", \"c1\"");
        assertEquals(304, notModified.status());
        assertEquals("W/\"c1\"", notModified.header("ETag"));
        assertEquals(0, notModified.body().length);
        assertEquals(200, get("/conditional", "If-None-Match", "\"other\"").status());
        assertEquals(
                304,
                get("/conditional", "If-Modified-Since", httpDate(Instant.now()))
                        .status());
        assertEquals(
                200,
                get("/conditional", "If-Modified-Since", httpDate(Instant.now().minus(Duration.ofDays(3))))
                        .status());
        assertEquals(1, origin.count("/conditional"));
    }

    // --- request directives ---------------------------------------------------------------------

    @Test
    void requestNoCacheAndMaxAgeZeroGoToTheBackend() throws IOException {
        origin.on("/req-no-cache", (r, n) -> ok("r" + n, "Cache-Control", "max-age=60"));
        get("/req-no-cache");
        RawResponse forced = get("/req-no-cache", "Cache-Control", "no-cache");
        assertEquals("r2", forced.bodyText());
        assertTrue(forced.header("Cache-Status").contains("fwd=request"), forced.header("Cache-Status"));
        assertEquals("r3", get("/req-no-cache", "Pragma", "no-cache").bodyText());
        RawResponse old = get("/req-no-cache", "Cache-Control", "max-age=0");
        assertEquals("r4", old.bodyText(), "a stored response older than the client's max-age is not used");
        assertEquals(4, origin.count("/req-no-cache"));
    }

    @Test
    void minFreshAndMaxStaleChangeWhatTheClientAccepts() throws IOException {
        origin.on("/min-fresh", (r, n) -> ok("m" + n, "Cache-Control", "max-age=60"));
        origin.on("/max-stale", (r, n) -> ok("s" + n, "Cache-Control", "max-age=10", "Age", "15"));
        get("/min-fresh");
        assertEquals("m1", get("/min-fresh", "Cache-Control", "min-fresh=30").bodyText());
        assertEquals("m2", get("/min-fresh", "Cache-Control", "min-fresh=90").bodyText());
        get("/max-stale");
        RawResponse accepted = get("/max-stale", "Cache-Control", "max-stale=30");
        assertEquals("s1", accepted.bodyText());
        assertTrue(accepted.header("Cache-Status").matches("serai; hit; ttl=-(5|6)"), accepted.header("Cache-Status"));
        assertEquals("s2", get("/max-stale", "Cache-Control", "max-stale=2").bodyText());
    }

    @Test
    void onlyIfCachedGets504WhenNothingIsStoredAndTheStoredResponseOtherwise() throws IOException {
        origin.on("/only-if-cached", (r, n) -> ok("o" + n, "Cache-Control", "max-age=60"));
        RawResponse miss = get("/only-if-cached", "Cache-Control", "only-if-cached");
        assertEquals(504, miss.status());
        assertEquals(0, origin.count("/only-if-cached"));
        get("/only-if-cached");
        assertEquals(
                "o1", get("/only-if-cached", "Cache-Control", "only-if-cached").bodyText());
    }

    // --- stale responses (RFC 5861) -------------------------------------------------------------

    @Test
    void staleWhileRevalidateAnswersAtOnceAndRefreshesInTheBackground() throws Exception {
        origin.on(
                "/swr",
                (r, n) -> ok(
                        "w" + n, "Cache-Control", "max-age=10, stale-while-revalidate=60", "Age", n == 1 ? "15" : "0"));
        get("/swr");
        RawResponse stale = get("/swr");
        assertEquals("w1", stale.bodyText());
        assertTrue(
                stale.header("Cache-Status").contains("detail=stale-while-revalidate"), stale.header("Cache-Status"));
        Waits.upTo(Duration.ofSeconds(5)).until(() -> origin.count("/swr") >= 2);
        Waits.upTo(Duration.ofSeconds(5))
                .untilAsserted(() -> assertEquals("w2", get("/swr").bodyText()));
        assertEquals(2, origin.count("/swr"));
    }

    @Test
    void staleIfErrorServesTheStoredResponseWhenTheBackendFails() throws IOException {
        origin.on(
                "/sie",
                (r, n) -> n == 1
                        ? ok("good", "Cache-Control", "max-age=10, stale-if-error=60", "Age", "15")
                        : answer(500, "broken"));
        get("/sie");
        RawResponse rescued = get("/sie");
        assertEquals(200, rescued.status());
        assertEquals("good", rescued.bodyText());
        assertTrue(
                rescued.header("Cache-Status").contains("fwd=stale; fwd-status=500"), rescued.header("Cache-Status"));
        assertTrue(rescued.header("Cache-Status").contains("detail=stale-if-error"));
    }

    @Test
    void staleIfErrorServesTheStoredResponseWhenTheBackendIsGone() throws IOException {
        // Connection: close, so that no pooled connection to the backend outlives it.
        doomed.on(
                "/gone",
                (r, n) -> ok(
                        "kept", "Cache-Control", "max-age=10, stale-if-error=60", "Age", "15", "Connection", "close"));
        String raw = "GET /gone HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        assertEquals("kept", RawHttp.exchange(doomedPort, raw).bodyText());
        doomed.close();
        RawResponse rescued = RawHttp.exchange(doomedPort, raw);
        assertEquals(200, rescued.status(), rescued.bodyText());
        assertEquals("kept", rescued.bodyText());
        assertTrue(rescued.header("Cache-Status").contains("fwd=stale; ttl=-"), rescued.header("Cache-Status"));
        assertTrue(rescued.header("Cache-Status").endsWith("detail=stale-if-error"));
        assertEquals(
                502,
                RawHttp.exchange(doomedPort, "GET /never HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .status());
    }

    @Test
    void aHitInFrontOfALoadBalancerReachesNoMember() throws IOException {
        origin.on("/balanced", (r, n) -> ok("first member", "Cache-Control", "max-age=60"));
        second.on("/balanced", (r, n) -> ok("second member", "Cache-Control", "max-age=60"));
        String raw = "GET /balanced HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        String body = RawHttp.exchange(balancedPort, raw).bodyText();
        for (int i = 0; i < 5; i++) {
            assertEquals(body, RawHttp.exchange(balancedPort, raw).bodyText());
        }
        assertEquals(1, origin.count("/balanced") + second.count("/balanced"));
    }

    @Test
    void mustRevalidateForbidsServingStale() throws IOException {
        origin.on(
                "/must",
                (r, n) -> n == 1
                        ? ok(
                                "good",
                                "Cache-Control",
                                "max-age=10, must-revalidate, stale-if-error=60, stale-while-revalidate=60",
                                "Age",
                                "15")
                        : answer(500, "broken"));
        get("/must");
        assertEquals(500, get("/must").status());
        assertEquals(500, get("/must", "Cache-Control", "max-stale").status());
    }

    // --- invalidation ---------------------------------------------------------------------------

    @Test
    void aSuccessfulUnsafeRequestInvalidatesItsUrlAndLocation() throws IOException {
        origin.on(
                "/item",
                (r, n) -> r.method().equals("POST")
                        ? answer(201, "made", "Location", "/item-2")
                        : ok("item " + n, "Cache-Control", "max-age=60"));
        origin.on("/item-2", (r, n) -> ok("second " + n, "Cache-Control", "max-age=60"));
        get("/item");
        get("/item-2");
        assertEquals("item 1", get("/item").bodyText());
        RawResponse post = request("POST /item HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nx");
        assertEquals(201, post.status());
        assertEquals("serai; fwd=method", post.header("Cache-Status"));
        assertEquals("item 3", get("/item").bodyText());
        assertEquals("second 2", get("/item-2").bodyText());
    }

    @Test
    void aFailedUnsafeRequestInvalidatesNothing() throws IOException {
        origin.on(
                "/kept",
                (r, n) -> r.method().equals("DELETE")
                        ? answer(500, "no")
                        : ok("kept " + n, "Cache-Control", "max-age=60"));
        get("/kept");
        assertEquals(
                500, request("DELETE /kept HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status());
        assertEquals("kept 1", get("/kept").bodyText());
    }

    @Test
    void unknownMethodsAndHeadersAreForwardedUnchanged() throws IOException {
        origin.on(
                "/dav",
                (r, n) -> ok(
                        "dav " + n + " " + r.method() + " " + r.header("X-Unknown") + " " + r.header("If-None-Match")));
        RawResponse response = request(
                "PROPFIND /dav HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Unknown: kept\r\n" + "If-None-Match: \"mine\"\r\n\r\n");
        assertEquals("dav 1 PROPFIND kept \"mine\"", response.bodyText());
    }

    // --- keys, HEAD, coalescing -----------------------------------------------------------------

    @Test
    void routesAndHostsNeverShareEntries() throws IOException {
        origin.on("/shared", (r, n) -> ok("s" + n, "Cache-Control", "max-age=60"));
        get("/shared");
        assertEquals("s1", get("/shared").bodyText());
        RawResponse twin = RawHttp.exchange(twinPort, "GET /shared HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals("s2", twin.bodyText(), "another route has its own entries");
        assertEquals(
                "s3",
                request("GET /shared HTTP/1.1\r\nHost: other.example\r\n\r\n").bodyText());
        assertEquals("s1", get("/shared").bodyText());
    }

    @Test
    void headIsAnsweredFromAStoredGet() throws IOException {
        origin.on("/head", (r, n) -> ok("head body", "Cache-Control", "max-age=60"));
        get("/head");
        RawResponse head;
        try (RawHttp c = RawHttp.connect(serai.port())) {
            head = c.send("HEAD /head HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").read("HEAD");
        }
        assertEquals(200, head.status());
        assertEquals("9", head.header("Content-Length"));
        assertTrue(head.header("Cache-Status").startsWith("serai; hit"));
        assertEquals(1, origin.count("/head"));
    }

    @Test
    void aGetOrHeadWithABodyIsNeverAnsweredFromTheCache() throws IOException {
        origin.on("/fat-hit", (r, n) -> ok("for " + r.bodyText() + " " + n, "Cache-Control", "max-age=60"));
        assertEquals("for  1", get("/fat-hit").bodyText());
        RawResponse fat = request("GET /fat-hit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nadmin");
        assertEquals("for admin 2", fat.bodyText(), "the backend answers the body it was sent");
        assertEquals("serai; fwd=bypass; detail=request-body", fat.header("Cache-Status"));
        RawResponse fatHead;
        try (RawHttp c = RawHttp.connect(serai.port())) {
            fatHead = c.send("HEAD /fat-hit HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "5\r\nadmin\r\n0\r\n\r\n")
                    .read("HEAD");
        }
        assertEquals(200, fatHead.status());
        assertEquals(3, origin.count("/fat-hit"));
        assertEquals("admin", origin.requestsFor("/fat-hit").get(2).bodyText(), "forwarding it stays allowed");
        assertEquals("for  1", get("/fat-hit").bodyText(), "what was stored before is still served");
    }

    @Test
    void theAnswerToAGetOrHeadWithABodyIsNeverStored() throws IOException {
        origin.on("/fat-store", (r, n) -> ok("for " + r.bodyText() + " " + n, "Cache-Control", "max-age=60"));
        assertEquals(
                "for admin 1",
                request("GET /fat-store HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\n" + "admin")
                        .bodyText());
        try (RawHttp c = RawHttp.connect(serai.port())) {
            c.send("HEAD /fat-store HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nadmin")
                    .read("HEAD");
        }
        RawResponse plain = get("/fat-store");
        assertEquals("for  3", plain.bodyText(), "a request without a body never gets the answer to one with a body");
        assertTrue(plain.header("Cache-Status").contains("fwd=uri-miss; stored"), plain.header("Cache-Status"));
        assertEquals("for  3", get("/fat-store").bodyText());
        assertEquals(3, origin.count("/fat-store"));
    }

    @Test
    void aGetWithAnEmptyChunkedBodyIsCachedAsAnyGet() throws IOException {
        origin.on("/empty-chunked", (r, n) -> ok("e" + n, "Cache-Control", "max-age=60"));
        assertEquals(
                "e1",
                request("GET /empty-chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                                + "\r\n0\r\n\r\n")
                        .bodyText());
        assertEquals("e1", get("/empty-chunked").bodyText());
        assertEquals(1, origin.count("/empty-chunked"));
    }

    @Test
    void concurrentMissesForOneUrlMakeOneBackendRequest() throws Exception {
        origin.on("/coalesce", (r, n) -> {
            sleep(400);
            return ok("only " + n, "Cache-Control", "max-age=60");
        });
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<RawResponse>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(pool.submit((Callable<RawResponse>) () -> get("/coalesce")));
            }
            for (Future<RawResponse> answer : answers) {
                RawResponse r = answer.get(10, TimeUnit.SECONDS);
                assertEquals(200, r.status());
                assertEquals("only 1", r.bodyText());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, origin.count("/coalesce"));
    }

    @Test
    void everyResponseSaysWhatTheCacheDid() throws IOException {
        origin.on("/status", (r, n) -> ok("st", "Cache-Control", "max-age=60", "Cache-Status", "upstream; hit"));
        RawResponse first = get("/status");
        List<String> entries = first.headers("Cache-Status").stream()
                .flatMap(v -> List.of(v.split(", ")).stream())
                .toList();
        assertEquals(2, entries.size(), entries.toString());
        assertEquals("upstream; hit", entries.get(0), "a cache nearer the origin comes first");
        assertTrue(entries.get(1).startsWith("serai; fwd=uri-miss; stored; ttl="), entries.get(1));
        RawResponse hit = get("/status");
        assertTrue(hit.header("Cache-Status").matches("serai; hit; ttl=(59|60)"), "the upstream's entry is not stored");
    }

    // --- purge ----------------------------------------------------------------------------------

    @Test
    void theAdminListenerPurgesOneUrlOrEverythingWithItsToken() throws IOException {
        origin.on("/purge-a", (r, n) -> ok("a" + n, "Cache-Control", "max-age=60"));
        origin.on("/purge-b", (r, n) -> ok("b" + n, "Cache-Control", "max-age=60"));
        get("/purge-a");
        get("/purge-b");
        String url = "http://127.0.0.1/purge-a";
        RawResponse refused = RawHttp.exchange(adminPort, "DELETE /cache?url=" + url + " HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(401, refused.status());
        assertEquals("a1", get("/purge-a").bodyText());
        RawResponse purged = RawHttp.exchange(
                adminPort, "DELETE /cache?url=" + url + " HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer s3cret\r\n\r\n");
        assertEquals(200, purged.status());
        assertEquals("{\"purged\":1}", purged.bodyText().trim());
        assertEquals("a2", get("/purge-a").bodyText());
        assertEquals("b1", get("/purge-b").bodyText());
        RawResponse all = RawHttp.exchange(
                adminPort, "DELETE /cache HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer s3cret\r\n\r\n");
        assertEquals(200, all.status());
        assertEquals("b2", get("/purge-b").bodyText());
        RawResponse wrongMethod =
                RawHttp.exchange(adminPort, "GET /cache HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer s3cret\r\n\r\n");
        assertEquals(405, wrongMethod.status());
        assertNull(RawHttp.exchange(serai.port(), "DELETE /cache HTTP/1.1\r\nHost: a\r\n\r\n")
                .header("X-Purged"));
    }

    // --- helpers --------------------------------------------------------------------------------

    private static RawResponse get(String path, String... fields) throws IOException {
        return RawHttp.get(serai.port(), path, fields);
    }

    private static RawResponse request(String raw) throws IOException {
        return RawHttp.exchange(serai.port(), raw);
    }

    private static String httpDate(Instant at) {
        return HttpDate.of(at);
    }

    /** The origin's simulated work, so that concurrent misses overlap. */
    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
