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
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static io.serai.support.CacheOrigin.answer;
import static io.serai.support.CacheOrigin.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cache rules of issue 24 as a client and a counting backend see them: invalid dates (RFC 9110
 * section 5.6.7, RFC 9111 sections 5.1 and 5.3), targeted cache control (RFC 9213), {@code immutable}
 * (RFC 8246) and responses that set cookies. Each test has its own paths; one Serai and one origin.
 */
@Timeout(30)
class CacheRulesTest {

    private static final String ROUTES = """
            - route:
                id: cached-rules
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            """;
    private static final String FUTURE = "Thu, 01 Jan 2099 00:00:00 GMT";
    private static final AtomicInteger PATHS = new AtomicInteger();

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
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        origin.close();
    }

    // --- invalid dates ----------------------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] {1}: Expires: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            'Thu, 01 Jan 2099 00:00:00 UTC'   | UTC instead of GMT
            'Thu, 01 Jan 60 00:00:00 GMT'     | two-digit year in the IMF form (a lenient parser reads 2060)
            'Thu 01 Jan 2099 00:00:00 GMT'    | missing comma
            'Thu, 01 Jan 2099  00:00:00 GMT'  | doubled space
            'Thu, 01-Jan-2099 00:00:00 GMT'   | dashes in the IMF form
            'Thu, 01 Jan 2099 0:00:00 GMT'    | one-digit hour
            'Thu, 01 Jan 2099 00.00.00 GMT'   | periods in the time
            """)
    void anInvalidExpiresIsAlreadyStaleNeverAFutureDate(String expires, String defect) throws IOException {
        String path = path("expires");
        origin.on(path, (r, n) -> ok("e" + n, "Expires", expires));
        RawResponse first = get(path);
        assertTrue(first.header("Cache-Status").contains("fwd=uri-miss; detail=stale"), first.header("Cache-Status"));
        assertEquals("e2", get(path).bodyText(), defect);
        assertEquals(2, origin.count(path));
    }

    @Test
    void severalExpiresLinesAreInvalidAndSoStale() throws IOException {
        String path = path("expires-twice");
        // Two field lines of the same valid future date: CacheOrigin writes a value's CRLF as it is.
        origin.on(path, (r, n) -> ok("t" + n, "Expires", FUTURE + "\r\nExpires: " + FUTURE));
        get(path);
        assertEquals("t2", get(path).bodyText());
        String valid = path("expires-valid");
        origin.on(valid, (r, n) -> ok("v" + n, "Expires", FUTURE));
        get(valid);
        assertEquals("v1", get(valid).bodyText(), "the same date on one line is fresh");
    }

    @Test
    void anInvalidDateCountsAsAbsentSoTheReceiveTimeIsUsed() throws IOException {
        String path = path("date");
        // Read leniently, this Date is 1994 and makes the response decades old, hence stale.
        origin.on(path, (r, n) -> ok("d" + n, "Date", "Sun, 06 Nov 1994 08:49:37 UTC", "Cache-Control", "max-age=60"));
        get(path);
        RawResponse hit = get(path);
        assertEquals("d1", hit.bodyText());
        assertTrue(hit.header("Cache-Status").startsWith("serai; hit"), hit.header("Cache-Status"));
    }

    @Test
    void anInvalidLastModifiedGivesNoHeuristicLifetime() throws IOException {
        String path = path("last-modified");
        origin.on(path, (r, n) -> ok("m" + n, "Last-Modified", "Sun, 06 Nov 1994 08:49:37 UTC"));
        get(path);
        assertEquals("m2", get(path).bodyText());
        assertNull(origin.requestsFor(path).get(1).header("If-Modified-Since"), "an invalid date is no validator");
    }

    @Test
    void anInvalidIfModifiedSinceIsIgnored() throws IOException {
        String path = path("ims");
        origin.on(
                path,
                (r, n) -> ok("ims", "Cache-Control", "max-age=60", "Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"));
        get(path);
        assertEquals(
                200,
                get(path, "If-Modified-Since", "Thu, 01 Jan 2099 00:00:00 UTC").status());
        assertEquals(304, get(path, "If-Modified-Since", FUTURE).status(), "the same date in GMT");
    }

    @Test
    void aLastModifiedBefore1970IsAValidDate() throws IOException {
        String path = path("last-modified-1969");
        origin.on(path, (r, n) -> ok("l" + n, "Last-Modified", "Wed, 31 Dec 1969 23:59:59 GMT"));
        get(path);
        RawResponse hit = get(path);
        assertEquals("l1", hit.bodyText(), "a heuristic lifetime from a 1969 Last-Modified");
        assertTrue(hit.header("Cache-Status").startsWith("serai; hit"), hit.header("Cache-Status"));
        assertEquals(
                304,
                get(path, "If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT").status());
        assertEquals(1, origin.count(path));
    }

    @Test
    void anAgeAtTheCapMakesEvenAFarExpiresStale() throws IOException {
        String path = path("age-cap");
        // 2099 is more than 68 years (2^31 seconds) ahead: only a lifetime capped below 2^31 s makes it stale.
        origin.on(path, (r, n) -> ok("x" + n, "Expires", FUTURE, "Age", "99999999999"));
        get(path);
        assertEquals("x2", get(path).bodyText());
    }

    @ParameterizedTest(name = "[{index}] Age: {0} -> hit {1}")
    @CsvSource(delimiter = '|', textBlock = """
            '2147483648'            | false | 2^31: stale
            '99999999999999999999'  | false | past 2^31: stale
            '-5'                    | true  | negative: ignored
            '1.5'                   | true  | a fraction: ignored
            'abc'                   | true  | not a number: ignored
            '10, 9999'              | true  | several members: the first counts
            """)
    void anAgeIsReadAsRfc9111Says(String age, boolean hit, String rule) throws IOException {
        String path = path("age");
        origin.on(path, (r, n) -> ok("a" + n, "Cache-Control", "max-age=60", "Age", age));
        get(path);
        assertEquals(hit ? "a1" : "a2", get(path).bodyText(), rule);
    }

    // --- targeted cache control (RFC 9213) --------------------------------------------------------

    @Test
    void cdnCacheControlGovernsTheCacheWhileClientsKeepCacheControl() throws IOException {
        String path = path("cdn");
        origin.on(
                path,
                (r, n) -> ok("c" + n, "CDN-Cache-Control", "max-age=60", "Cache-Control", "no-store", "Expires", "0"));
        RawResponse miss = get(path);
        RawResponse hit = get(path);
        assertEquals("c1", hit.bodyText());
        assertTrue(hit.header("Cache-Status").matches("serai; hit; ttl=(59|60)"), hit.header("Cache-Status"));
        assertEquals("no-store", hit.header("Cache-Control"), "clients see the Cache-Control the origin sent");
        assertEquals("max-age=60", miss.header("CDN-Cache-Control"), "kept for a CDN in front");
        assertEquals("max-age=60", hit.header("CDN-Cache-Control"));
        assertEquals(1, origin.count(path));
    }

    @Test
    void seraisOwnFieldComesFirstAndNeverReachesClients() throws IOException {
        String path = path("own");
        origin.on(
                path,
                (r, n) -> ok(
                        "o" + n,
                        "Serai-Cache-Control",
                        "max-age=30",
                        "CDN-Cache-Control",
                        "no-store",
                        "Cache-Control",
                        "max-age=5"));
        RawResponse miss = get(path);
        RawResponse hit = get(path);
        assertEquals("o1", hit.bodyText());
        assertTrue(hit.header("Cache-Status").matches("serai; hit; ttl=(29|30)"), hit.header("Cache-Status"));
        assertFalse(miss.hasHeader("Serai-Cache-Control"), "stripped on a miss");
        assertFalse(hit.hasHeader("Serai-Cache-Control"), "stripped on a hit");
        assertEquals("max-age=5", hit.header("Cache-Control"));
    }

    @Test
    void noStoreInSeraisOwnFieldKeepsAResponseOutWhateverCacheControlSays() throws IOException {
        String path = path("own-no-store");
        origin.on(
                path, (r, n) -> ok("s" + n, "Serai-Cache-Control", "no-store", "Cache-Control", "public, max-age=60"));
        RawResponse first = get(path);
        assertTrue(first.header("Cache-Status").contains("detail=no-store"), first.header("Cache-Status"));
        assertFalse(first.hasHeader("Serai-Cache-Control"));
        assertEquals("s2", get(path).bodyText());
    }

    @Test
    void anInvalidTargetedFieldIsIgnored() throws IOException {
        String path = path("cdn-invalid");
        origin.on(path, (r, n) -> ok("i" + n, "CDN-Cache-Control", "Max-Age=60", "Cache-Control", "no-store"));
        get(path);
        assertEquals("i2", get(path).bodyText(), "Max-Age is no sf-key: Cache-Control's no-store counts");
    }

    @Test
    void seraisOwnFieldIsStrippedFromAnswersThatPassThrough() throws IOException {
        String path = path("own-post");
        origin.on(path, (r, n) -> answer(201, "p", "Serai-Cache-Control", "no-store"));
        RawResponse posted = RawHttp.exchange(
                serai.port(), "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nx");
        assertEquals(201, posted.status());
        assertFalse(posted.hasHeader("Serai-Cache-Control"));
    }

    // --- immutable (RFC 8246) ---------------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Cache-Control | no-cache
            Cache-Control | max-age=0
            Pragma        | no-cache
            """)
    void aFreshImmutableResponseIsServedToAClientThatReloads(String field, String value) throws IOException {
        String path = path("immutable");
        origin.on(path, (r, n) -> ok("im" + n, "Cache-Control", "max-age=600, immutable", "ETag", "\"v1\""));
        get(path);
        RawResponse reload = get(path, field, value);
        assertEquals("im1", reload.bodyText());
        assertTrue(reload.header("Cache-Status").startsWith("serai; hit"), reload.header("Cache-Status"));
        assertEquals(1, origin.count(path));
    }

    @Test
    void aReloadOfAFreshResponseWithoutImmutableGoesToTheBackend() throws IOException {
        String path = path("mutable");
        origin.on(path, (r, n) -> ok("mu" + n, "Cache-Control", "max-age=600"));
        get(path);
        assertEquals("mu2", get(path, "Cache-Control", "no-cache").bodyText());
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Cache-Control | no-cache
            Cache-Control | max-age=0
            Pragma        | no-cache
            """)
    void aStaleImmutableResponseIsRevalidatedEvenOnAReload(String field, String value) throws IOException {
        String path = path("immutable-stale");
        origin.on(
                path,
                (r, n) -> n == 1
                        ? ok("st", "Cache-Control", "max-age=0, immutable", "ETag", "\"s1\"")
                        : answer(304, "", "Cache-Control", "max-age=600, immutable", "ETag", "\"s1\""));
        get(path);
        RawResponse revalidated = get(path, field, value);
        assertEquals("st", revalidated.bodyText());
        assertTrue(
                revalidated.header("Cache-Status").contains("fwd=stale; fwd-status=304"),
                revalidated.header("Cache-Status"));
        assertEquals("\"s1\"", origin.requestsFor(path).get(1).header("If-None-Match"));
        assertEquals(2, origin.count(path));
    }

    // --- Set-Cookie -------------------------------------------------------------------------------

    @Test
    void aResponseSettingACookieIsStoredButItsCookieGoesOnlyToTheClientThatFetchedIt() throws IOException {
        String path = path("cookie");
        origin.on(path, (r, n) -> ok("c" + n, "Cache-Control", "s-maxage=60", "Set-Cookie", "session=" + n));
        RawResponse miss = get(path);
        RawResponse hit = get(path);
        assertEquals("session=1", miss.header("Set-Cookie"));
        assertTrue(miss.header("Cache-Status").contains("stored"), miss.header("Cache-Status"));
        assertEquals("c1", hit.bodyText());
        assertNull(hit.header("Set-Cookie"), "one client's cookie is never served to another");
        assertEquals(1, origin.count(path));
    }

    @Test
    void aResponseSettingACookieWithoutLeaveForSharedCachesIsNotStored() throws IOException {
        String path = path("cookie-max-age");
        origin.on(path, (r, n) -> ok("m" + n, "Cache-Control", "max-age=60", "Set-Cookie", "session=" + n));
        RawResponse first = get(path);
        RawResponse second = get(path);
        assertTrue(first.header("Cache-Status").contains("detail=set-cookie"), first.header("Cache-Status"));
        assertEquals("m2", second.bodyText(), "a page made for the client whose cookie it sets is never shared");
        assertEquals("session=2", second.header("Set-Cookie"));
        assertEquals(2, origin.count(path));
    }

    @Test
    void aCookieOnA304GoesToTheClientThatRevalidatedOnly() throws IOException {
        String path = path("cookie-304");
        origin.on(
                path,
                (r, n) -> n == 1
                        ? ok("r", "Cache-Control", "max-age=0", "ETag", "\"r1\"")
                        : answer(304, "", "Cache-Control", "max-age=60", "ETag", "\"r1\"", "Set-Cookie", "seen=" + n));
        get(path);
        RawResponse revalidated = get(path);
        assertTrue(revalidated.header("Cache-Status").contains("fwd-status=304"), revalidated.header("Cache-Status"));
        assertEquals("seen=2", revalidated.header("Set-Cookie"));
        RawResponse hit = get(path);
        assertEquals("r", hit.bodyText());
        assertNull(hit.header("Set-Cookie"));
        assertEquals(2, origin.count(path));
    }

    @Test
    void aCookieOnA304ToAStoredPublicResponseGoesOnlyToTheClientThatRevalidated() throws IOException {
        String path = path("cookie-304-public");
        origin.on(
                path,
                (r, n) -> n == 1
                        ? ok("pub", "Cache-Control", "public, max-age=60", "ETag", "\"p1\"")
                        : answer(304, "", "ETag", "\"p1\"", "Set-Cookie", "session=" + n));
        get(path);
        RawResponse revalidated = get(path, "Cache-Control", "max-age=0");
        assertTrue(revalidated.header("Cache-Status").contains("fwd-status=304"), revalidated.header("Cache-Status"));
        assertEquals("session=2", revalidated.header("Set-Cookie"), "the revalidating client's own cookie");
        RawResponse hit = get(path);
        assertEquals("pub", hit.bodyText());
        assertTrue(hit.header("Cache-Status").startsWith("serai; hit"), hit.header("Cache-Status"));
        assertNull(hit.header("Set-Cookie"), "the 304 was not public: its cookie is not stored");
        assertEquals(2, origin.count(path));
    }

    @Test
    void anExplicitlyPublicResponseIsServedWithItsCookie() throws IOException {
        String path = path("cookie-public");
        origin.on(path, (r, n) -> ok("p" + n, "Cache-Control", "public, max-age=60", "Set-Cookie", "ab=" + n));
        get(path);
        RawResponse hit = get(path);
        assertEquals("p1", hit.bodyText());
        assertEquals("ab=1", hit.header("Set-Cookie"));
        assertEquals(1, origin.count(path));
    }

    // --- helpers ----------------------------------------------------------------------------------

    /** A path of its own for each use, so parameterized rows never share a stored response. */
    private static String path(String name) {
        return "/rules/" + name + "-" + PATHS.incrementAndGet();
    }

    private static RawResponse get(String path, String... fields) throws IOException {
        return RawHttp.get(serai.port(), path, fields);
    }
}
