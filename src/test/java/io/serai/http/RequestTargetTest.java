package io.serai.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one parse of a request-target: RFC 9112 section 3.2 forms, RFC 3986 section 6.2.2 normalization. */
class RequestTargetTest {

    @Test
    void originFormKeepsTheQueryAsSent() {
        RequestTarget t = RequestTarget.parse("/hello/a%20b?q=1%20x&y=%zz");
        assertNull(t.authority());
        assertEquals("/hello/a%20b", t.path());
        assertEquals("q=1%20x&y=%zz", t.rawQuery());
        assertEquals("/hello/a%20b?q=1%20x&y=%zz", t.originForm());
    }

    @Test
    void absoluteFormGivesAuthorityAndOriginForm() {
        RequestTarget t = RequestTarget.parse("http://example.test:8080/p%20q?x=1");
        assertEquals("example.test:8080", t.authority());
        assertEquals("/p%20q?x=1", t.originForm());
    }

    @Test
    void absoluteFormWithoutPathMeansRoot() {
        RequestTarget t = RequestTarget.parse("HTTP://example.test?x");
        assertEquals("example.test", t.authority());
        assertEquals("/?x", t.originForm());
    }

    @ParameterizedTest(name = "{0} normalizes to {1}")
    @CsvSource({
        "/ok/../admin/x, /admin/x",
        "/ok/%2e%2e/admin/x, /admin/x",
        "/ok/%2E%2E/admin/x, /admin/x",
        "/ok/.%2e/admin/x, /admin/x",
        "/%61dmin/x, /admin/x",
        "/%61%64%6d%69%6e/x, /admin/x",
        "//admin//x, /admin/x",
        "/./admin/./x/, /admin/x/",
        "/../../admin, /admin",
        "/a/b/.., /a/",
        "/a/b/., /a/b/",
        "/, /",
        "//, /",
        "/a%c3%a9, /a%C3%A9",
        "/a%7e%5f, /a~_",
        "/a;jsessionid=1/b, /a;jsessionid=1/b",
        "/x/admin./y, /x/admin./y",
        "/~user/x(1)*+;=:@$!&, /~user/x(1)*+;=:@$!&",
    })
    void thePathIsNormalizedOnceForRoutesRulesAndBackends(String raw, String normalized) {
        assertEquals(normalized, RequestTarget.parse(raw).path());
    }

    @Test
    void commasAndApostrophesAreSegmentCharacters() {
        assertEquals("/it's/a,b", RequestTarget.parse("/it's/a,b").path());
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(
            strings = {
                "/admin%2Fx",
                "/admin%2fx",
                "/a%00b",
                "/a%5Cb",
                "/a\\b",
                "/a%zz",
                "/a%4",
                "/a%",
                "/a#frag",
                "/a b",
                "/a\"b",
                "/a<b>",
                "/a{b}",
                "/a|b",
                "/a^b",
                "/a`b",
                "/a[b]",
                "/caf\u00e9",
                "/..;/admin",
                "/x/..;x/admin",
                "/.;x/admin",
                "/;x/admin",
                "/.../admin",
                "/x/../....",
                "@evil.com/",
                ".evil.com/",
                "evil.com/",
                "",
                "ftp://h/x",
                "http:///x",
                "http://user@h/x",
                "http://h x/",
                "/q?a\u0001b",
                "/q?a\u00e9",
            })
    void targetsThatBackendsReadDifferentlyAreRefused(String raw) {
        RequestTarget.BadRequestTarget refused =
                assertThrows(RequestTarget.BadRequestTarget.class, () -> RequestTarget.parse(raw));
        assertTrue(!refused.getMessage().contains(raw) || raw.isEmpty(), "the reason must not echo the target");
    }

    @Test
    void anEncodedSlashPassesUndecodedWhenAllowed() {
        RequestTarget t = RequestTarget.parse("/a%2fb/c", true);
        assertEquals("/a%2Fb/c", t.path());
        assertEquals(2, t.segmentCount());
    }

    @ParameterizedTest(name = "segment {0} matches routes as {1}")
    @CsvSource({
        "admin, admin",
        "admin;p=1, admin",
        "admin., admin",
        "admin..;x=1, admin",
        "a.b, a.b",
        "ADMIN, ADMIN",
    })
    void routesMatchSegmentsAsBackendsThatDropParametersAndTrailingDotsReadThem(String segment, String key) {
        RequestTarget t = RequestTarget.parse("/" + segment + "/x");
        assertEquals(key, t.key(0));
        assertEquals(segment, t.segment(0));
    }

    @ParameterizedTest(name = "{0} below {1} segments is \"{2}\"")
    @CsvSource({
        "/api/x/y, 1, /x/y",
        "/api/x/, 1, /x/",
        "/api, 1, ''",
        "/api/, 1, /",
        "/api/x, 0, /api/x",
        "/, 0, /",
        "/profile/7, 2, ''",
    })
    void thePathBelowARoutesOwnPathIsWhatItPassesOn(String raw, int matched, String below) {
        assertEquals(below, RequestTarget.parse(raw).pathBelow(matched));
    }

    @Test
    void asteriskFormIsKnownAsSuch() {
        assertTrue(RequestTarget.parse("*").isAsterisk());
    }
}
