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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.serai.support.CacheOrigin.answer;
import static io.serai.support.CacheOrigin.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Range requests and the shared cache (RFC 9110 section 14, RFC 9111 sections 3.2-3.4), as a client and
 * a counting backend see them: a single bytes range of a stored 200 is a 206 hit, If-Range by strong
 * validator only, a miss forwards the Range and stores no 206.
 */
@Timeout(30)
class CacheRangeTest {

    private static final String ROUTES = """
            - route:
                id: ranged
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            """;

    private static final String DIGITS = "0123456789";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final String MODIFIED = httpDate(NOW.minus(Duration.ofHours(1)));

    @TempDir
    static Path dir;

    private static CacheOrigin origin;
    private static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        origin = CacheOrigin.start();
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", origin.hostPort())
                .property("serai.admin.port", RunningSerai.freePorts(1)[0])
                .start(dir);
        origin.on("/digits", (r, n) -> ok(DIGITS, "Cache-Control", "max-age=600", "ETag", "\"d1\""));
        origin.on(
                "/validated",
                (r, n) -> ok(
                        DIGITS,
                        "Cache-Control",
                        "max-age=600",
                        "ETag",
                        "\"v1\"",
                        "Last-Modified",
                        MODIFIED,
                        "Date",
                        httpDate(NOW)));
        origin.on(
                "/weak",
                (r, n) -> ok(
                        DIGITS,
                        "Cache-Control",
                        "max-age=600",
                        "ETag",
                        "W/\"w1\"",
                        "Last-Modified",
                        httpDate(NOW),
                        "Date",
                        httpDate(NOW)));
        get("/digits");
        get("/validated");
        get("/weak");
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        origin.close();
    }

    @ParameterizedTest(name = "Range: {0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            bytes=0-3                      | 206 | bytes 0-3/10 | 0123
            bytes=0-0                      | 206 | bytes 0-0/10 | 0
            bytes=7-                       | 206 | bytes 7-9/10 | 789
            bytes=-3                       | 206 | bytes 7-9/10 | 789
            bytes=-20                      | 206 | bytes 0-9/10 | 0123456789
            bytes=5-100                    | 206 | bytes 5-9/10 | 56789
            BYTES=2-2                      | 206 | bytes 2-2/10 | 2
            bytes=0-99999999999999999999   | 206 | bytes 0-9/10 | 0123456789
            bytes=10-                      | 416 | bytes */10   | ''
            bytes=99999999999999999999-    | 416 | bytes */10   | ''
            bytes=-0                       | 416 | bytes */10   | ''
            bytes=3-1                      | 200 | none         | 0123456789
            bytes=a-b                      | 200 | none         | 0123456789
            bytes=+1-2                     | 200 | none         | 0123456789
            bytes=                         | 200 | none         | 0123456789
            bytes=-                        | 200 | none         | 0123456789
            bytes=1                        | 200 | none         | 0123456789
            items=0-3                      | 200 | none         | 0123456789
            bytes=0-1,4-5                  | 200 | none         | 0123456789
            bytes=0-1, 4-5                 | 200 | none         | 0123456789
            """)
    void aRangeOfAStoredResponseIsAnsweredFromTheCache(String range, int status, String contentRange, String body)
            throws IOException {
        RawResponse answer = get("/digits", "Range", range);
        assertEquals(status, answer.status());
        assertEquals(contentRange, answer.header("Content-Range"));
        assertEquals(body, answer.bodyText());
        assertEquals(String.valueOf(body.length()), answer.header("Content-Length"));
        assertTrue(answer.header("Cache-Status").startsWith("serai; hit"), answer.header("Cache-Status"));
        assertEquals(1, origin.count("/digits"), "every range comes from the one stored response");
    }

    static Stream<Arguments> ifRanges() {
        return Stream.of(
                Arguments.of("/validated", "\"v1\"", 206),
                Arguments.of("/validated", "\"v2\"", 200),
                Arguments.of("/validated", "W/\"v1\"", 200),
                Arguments.of("/validated", MODIFIED, 206),
                Arguments.of("/validated", httpDate(NOW.minus(Duration.ofMinutes(59))), 200),
                Arguments.of("/validated", "yesterday", 200),
                Arguments.of("/weak", "W/\"w1\"", 200),
                Arguments.of("/weak", "\"w1\"", 200),
                Arguments.of("/weak", httpDate(NOW), 200));
    }

    @ParameterizedTest(name = "{0} If-Range: {1} -> {2}")
    @MethodSource("ifRanges")
    void ifRangeServesThePartOnlyForTheStoredStrongValidator(String path, String ifRange, int status)
            throws IOException {
        RawResponse answer = get(path, "Range", "bytes=0-3", "If-Range", ifRange);
        assertEquals(status, answer.status());
        assertEquals(status == 206 ? "0123" : DIGITS, answer.bodyText());
        assertTrue(answer.header("Cache-Status").startsWith("serai; hit"), answer.header("Cache-Status"));
        assertEquals(1, origin.count(path));
    }

    @Test
    void aPartCarriesTheStoredFieldsAndTheClientsPreconditionComesFirst() throws IOException {
        RawResponse part = get("/validated", "Range", "bytes=1-2");
        assertEquals("12", part.bodyText());
        assertEquals("\"v1\"", part.header("ETag"));
        assertEquals("max-age=600", part.header("Cache-Control"));
        assertEquals(MODIFIED, part.header("Last-Modified"));
        assertTrue(part.hasHeader("Age"));
        RawResponse current = get("/validated", "Range", "bytes=1-2", "If-None-Match", "\"v1\"");
        assertEquals(304, current.status(), "If-None-Match is evaluated before Range (RFC 9110 section 13.2.2)");
        assertFalse(current.hasHeader("Content-Range"));
    }

    @Test
    void anHttp2ClientGetsThePartToo() throws Exception {
        origin.on("/h2", (r, n) -> ok(DIGITS, "Cache-Control", "max-age=600"));
        assertEquals("0123456789 200 2", h2c("/h2", "X-Whole: yes"));
        assertEquals("234 206 2", h2c("/h2", "Range: bytes=2-4"));
        assertEquals(1, origin.count("/h2"));
    }

    /** curl as a real h2c client (prior knowledge): the body, the status and the HTTP version it spoke. */
    private static String h2c(String path, String field) throws Exception {
        Process curl = new ProcessBuilder(
                        "curl",
                        "-sS",
                        "--max-time",
                        "10",
                        "--http2-prior-knowledge",
                        "-H",
                        field,
                        "-w",
                        " %{http_code} %{http_version}",
                        "http://127.0.0.1:" + serai.port() + path)
                .redirectErrorStream(true)
                .start();
        String out = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(15, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void headIgnoresRange() throws IOException {
        try (RawHttp client = RawHttp.connect(serai.port())) {
            RawResponse head = client.send("HEAD /digits HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=0-3\r\n\r\n")
                    .read("HEAD");
            assertEquals(200, head.status());
            assertEquals("10", head.header("Content-Length"));
            assertFalse(head.hasHeader("Content-Range"));
        }
    }

    @Test
    void aRangeRequestOnAMissIsForwardedAsSentAndItsPartIsNotStored() throws IOException {
        origin.on("/miss", CacheRangeTest::rangeAware);
        RawResponse part = get("/miss", "Range", "bytes=2-4");
        assertEquals(206, part.status());
        assertEquals("234", part.bodyText());
        assertEquals("bytes=2-4", origin.requestsFor("/miss").get(0).header("Range"));
        assertEquals("serai; fwd=uri-miss; detail=status", part.header("Cache-Status"));
        RawResponse whole = get("/miss");
        assertEquals(200, whole.status(), "the stored 206 is never a 200, nor was it stored");
        assertEquals(DIGITS, whole.bodyText());
        assertEquals(2, origin.count("/miss"));
        RawResponse hit = get("/miss", "Range", "bytes=-2");
        assertEquals("89", hit.bodyText());
        assertTrue(hit.header("Cache-Status").startsWith("serai; hit"), hit.header("Cache-Status"));
        assertEquals(2, origin.count("/miss"));
    }

    @Test
    void aPartialResponseIsNeverStoredNorServedAsAWholeOne() throws IOException {
        origin.on(
                "/always-partial",
                (r, n) -> answer(206, "0123", "Cache-Control", "max-age=60", "Content-Range", "bytes 0-3/10"));
        for (int i = 1; i <= 2; i++) {
            RawResponse answer = get("/always-partial");
            assertEquals(206, answer.status());
            assertEquals("bytes 0-3/10", answer.header("Content-Range"));
            assertEquals("serai; fwd=uri-miss; detail=status", answer.header("Cache-Status"));
            assertEquals(i, origin.count("/always-partial"));
        }
    }

    @Test
    void aStaleResponseRevalidatedForARangeServesThePartAfterA304() throws IOException {
        origin.on(
                "/stale",
                (r, n) -> n == 1
                        ? ok(DIGITS, "Cache-Control", "max-age=10", "Age", "15", "ETag", "\"s1\"")
                        : "\"s1\"".equals(r.header("If-None-Match"))
                                ? answer(304, "", "Cache-Control", "max-age=60", "ETag", "\"s1\"")
                                : rangeAware(r, n));
        get("/stale");
        RawResponse part = get("/stale", "Range", "bytes=3-5");
        assertEquals(206, part.status());
        assertEquals("345", part.bodyText());
        assertEquals("bytes 3-5/10", part.header("Content-Range"));
        assertTrue(
                part.header("Cache-Status").startsWith("serai; fwd=stale; fwd-status=304"),
                part.header("Cache-Status"));
        assertEquals(2, origin.count("/stale"));
        assertEquals("567", get("/stale", "Range", "bytes=5-7").bodyText());
        assertEquals(2, origin.count("/stale"));
    }

    @Test
    void aRangeServedStaleWhileRevalidatingRefreshesTheWholeResponse() throws IOException {
        origin.on(
                "/swr",
                (r, n) -> n == 1
                        ? ok(DIGITS, "Cache-Control", "max-age=10, stale-while-revalidate=60", "Age", "15")
                        : r.header("Range") != null
                                ? rangeAware(r, n)
                                : ok("abcdefghij", "Cache-Control", "max-age=60"));
        get("/swr");
        RawResponse part = get("/swr", "Range", "bytes=0-1");
        assertEquals(206, part.status());
        assertEquals("01", part.bodyText());
        assertTrue(part.header("Cache-Status").endsWith("detail=stale-while-revalidate"), part.header("Cache-Status"));
        Waits.upTo(Duration.ofSeconds(5))
                .until(() -> "ab".equals(get("/swr", "Range", "bytes=0-1").bodyText()));
        assertEquals(null, origin.requestsFor("/swr").get(1).header("Range"), "the refresh asks for the whole");
        assertEquals(2, origin.count("/swr"));
    }

    @Test
    void aBackendPartWithTheStoredStrongETagUpdatesTheStoredFields() throws IOException {
        origin.on("/same", (r, n) -> n == 1 ? version(1, "\"r1\"") : part(2, "\"r1\""));
        origin.on("/changed", (r, n) -> n == 1 ? version(1, "\"r1\"") : part(2, "\"r2\""));
        for (String path : new String[] {"/same", "/changed"}) {
            get(path);
            RawResponse forced = get(path, "Range", "bytes=0-3", "Cache-Control", "no-cache");
            assertEquals(206, forced.status());
            assertEquals("0123", forced.bodyText());
            assertEquals("2", forced.header("X-Version"));
        }
        RawResponse same = get("/same");
        assertEquals(DIGITS, same.bodyText(), "the stored body stays whole: parts are not combined");
        assertEquals("10", same.header("Content-Length"));
        assertFalse(same.hasHeader("Content-Range"));
        assertEquals("2", same.header("X-Version"), "fields of a 206 with the same strong validator update it");
        assertEquals("1", get("/changed").header("X-Version"), "a 206 of another representation does not");
        assertEquals(2, origin.count("/same"));
        assertEquals(2, origin.count("/changed"));
    }

    @Test
    void aRangeForcedPastAStoredResponseWithoutValidatorsLeavesItStored() throws IOException {
        origin.on(
                "/plain",
                (r, n) -> n == 1 ? ok(DIGITS, "Cache-Control", "max-age=60", "X-Version", "1") : rangeAware(r, n));
        get("/plain");
        RawResponse part = get("/plain", "Range", "bytes=0-1", "Cache-Control", "max-age=0");
        assertEquals(206, part.status());
        assertEquals("01", part.bodyText());
        assertEquals("serai; fwd=request; detail=status", part.header("Cache-Status"));
        RawResponse whole = get("/plain");
        assertEquals(200, whole.status());
        assertEquals("1", whole.header("X-Version"));
        assertEquals(2, origin.count("/plain"));
    }

    @Test
    void aRangeRequestOnAMissDoesNotMakeWholeRequestsWaitForIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        origin.on("/held", (r, n) -> {
            if (r.header("Range") != null) {
                awaitQuietly(release);
                return rangeAware(r, n);
            }
            return ok(DIGITS, "Cache-Control", "max-age=60");
        });
        CompletableFuture<RawResponse> part = CompletableFuture.supplyAsync(() -> {
            try {
                return get("/held", "Range", "bytes=0-1");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            Waits.upTo(Duration.ofSeconds(5)).until(() -> origin.count("/held") == 1);
            // Were the part a flight's leader, these would wait for it (serai.cache.coalesce-timeout, 5 s).
            assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
                for (int i = 0; i < 3; i++) {
                    assertEquals(DIGITS, get("/held").bodyText());
                }
            });
            assertEquals(2, origin.count("/held"), "one request for the part, one for the whole, then hits");
        } finally {
            release.countDown();
        }
        assertEquals("01", part.get(5, TimeUnit.SECONDS).bodyText());
    }

    @Test
    void concurrentRangesOnAStaleResponseMakeOneRevalidation() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        origin.on("/stale-many", (r, n) -> {
            if (n == 1) {
                return ok(DIGITS, "Cache-Control", "max-age=10", "Age", "15", "ETag", "\"m1\"");
            }
            awaitQuietly(release);
            return "\"m1\"".equals(r.header("If-None-Match"))
                    ? answer(304, "", "Cache-Control", "max-age=60", "ETag", "\"m1\"")
                    : rangeAware(r, n);
        });
        get("/stale-many");
        ExecutorService clients = Executors.newFixedThreadPool(5);
        try {
            List<Future<RawResponse>> parts = new ArrayList<>();
            parts.add(clients.submit(() -> get("/stale-many", "Range", "bytes=0-1")));
            Waits.upTo(Duration.ofSeconds(5)).until(() -> origin.count("/stale-many") == 2);
            for (int i = 1; i < 5; i++) {
                int first = i;
                parts.add(clients.submit(() -> get("/stale-many", "Range", "bytes=" + first + "-" + (first + 1))));
            }
            // While the revalidation is held, the other ranges wait for it rather than go to the backend.
            Waits.upTo(Duration.ofSeconds(3))
                    .during(Duration.ofMillis(500))
                    .until(() -> origin.count("/stale-many") == 2);
            release.countDown();
            for (int i = 0; i < parts.size(); i++) {
                RawResponse part = parts.get(i).get(10, TimeUnit.SECONDS);
                assertEquals(206, part.status());
                assertEquals(DIGITS.substring(i, i + 2), part.bodyText());
            }
        } finally {
            release.countDown();
            clients.shutdownNow();
        }
        assertEquals(2, origin.count("/stale-many"), "one request stored it, one revalidated it for all");
        assertEquals("\"m1\"", origin.requestsFor("/stale-many").get(1).header("If-None-Match"));
    }

    static Stream<Arguments> partsThatMayNotUpdate() {
        return Stream.of(
                Arguments.of("private", new String[] {"Cache-Control", "private"}, new String[0]),
                Arguments.of("no-store", new String[] {"Cache-Control", "no-store"}, new String[0]),
                Arguments.of("another length", new String[] {"Content-Range", "bytes 0-3/11"}, new String[0]),
                Arguments.of("unsatisfied", new String[] {"Content-Range", "bytes */10"}, new String[0]),
                Arguments.of("no Content-Range", new String[] {"Content-Range", null}, new String[0]),
                Arguments.of("request no-store", new String[0], new String[] {"Cache-Control", "no-cache, no-store"}),
                Arguments.of("authorized request", new String[0], new String[] {"Authorization", "Bearer x"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("partsThatMayNotUpdate")
    void aBackendPartThatMayNotBeKeptLeavesTheStoredFieldsAlone(String why, String[] partFields, String[] requestFields)
            throws IOException {
        String path = "/kept-" + why.replace(' ', '-');
        origin.on(path, (r, n) -> {
            if (n == 1) {
                return version(1, "\"k1\"");
            }
            CacheOrigin.Answer part = part(2, "\"k1\"");
            java.util.Map<String, String> fields = new java.util.LinkedHashMap<>(part.headers());
            for (int i = 0; i + 1 < partFields.length; i += 2) {
                if (partFields[i + 1] == null) {
                    fields.remove(partFields[i]);
                } else {
                    fields.put(partFields[i], partFields[i + 1]);
                }
            }
            return new CacheOrigin.Answer(206, fields, part.body());
        });
        get(path);
        List<String> fields = new ArrayList<>(List.of("Range", "bytes=0-3"));
        if (!List.of(requestFields).contains("Cache-Control")) {
            fields.addAll(List.of("Cache-Control", "no-cache"));
        }
        fields.addAll(List.of(requestFields));
        RawResponse forced = get(path, fields.toArray(new String[0]));
        assertEquals(206, forced.status());
        assertEquals("2", forced.header("X-Version"));
        RawResponse whole = get(path);
        assertEquals(DIGITS, whole.bodyText());
        assertEquals("1", whole.header("X-Version"), "the stored fields are those of the first response");
        assertEquals(2, origin.count(path));
    }

    // --- helpers --------------------------------------------------------------------------------

    private static CacheOrigin.Answer version(int version, String etag) {
        return ok(DIGITS, "Cache-Control", "max-age=60", "ETag", etag, "X-Version", String.valueOf(version));
    }

    private static CacheOrigin.Answer part(int version, String etag) {
        return answer(
                206,
                "0123",
                "Cache-Control",
                "max-age=60",
                "ETag",
                etag,
                "X-Version",
                String.valueOf(version),
                "Content-Range",
                "bytes 0-3/10");
    }

    /** A backend that honours {@code bytes=a-b} (only that form) and otherwise sends the whole. */
    private static CacheOrigin.Answer rangeAware(io.serai.support.RecordedRequest request, int nth) {
        String range = request.header("Range");
        if (range == null) {
            return ok(DIGITS, "Cache-Control", "max-age=60");
        }
        String[] ends = range.substring("bytes=".length()).split("-");
        int first = Integer.parseInt(ends[0]);
        int last = Integer.parseInt(ends[1]);
        return answer(
                206,
                DIGITS.substring(first, last + 1),
                "Cache-Control",
                "max-age=60",
                "Content-Range",
                "bytes " + first + "-" + last + "/10");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static RawResponse get(String path, String... fields) throws IOException {
        return RawHttp.get(serai.port(), path, fields);
    }

    private static String httpDate(Instant at) {
        return HttpDate.of(at);
    }
}
