package io.serai.ingress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RequestTargetTest {

    @Test
    void originFormKeepsPathAndQueryByteExact() {
        RequestTarget t = RequestTarget.parse("/hello/a%2Fb?q=1%20x&y");
        assertNull(t.authority());
        assertEquals("/hello/a%2Fb", t.rawPath());
        assertEquals("q=1%20x&y", t.rawQuery());
        assertEquals("/hello/a%2Fb?q=1%20x&y", t.originForm());
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
        "/%61dmin/x, /admin/x",
        "//admin//x, /admin/x",
        "/./admin/./x/, /admin/x/",
        "/../../admin, /admin",
        "/a%2fb, /a%2Fb",
        "/a/b/.., /a/",
        "/, /",
    })
    void normalizedPathIsWhatAccessRulesSee(String raw, String normalized) {
        assertEquals(normalized, RequestTarget.parse(raw).normalizedPath());
    }
}
