package io.serai.caching;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Targeted cache-control fields (RFC 9213): a strict Structured Field dictionary (RFC 8941 section
 * 4.2.2), its members read as cache directives, and the precedence of Serai's own field, then
 * CDN-Cache-Control, then Cache-Control and Expires.
 */
@Timeout(10)
class TargetedControlTest {

    @ParameterizedTest(name = "[{index}] {2}: \"{0}\"")
    @CsvSource(delimiter = '|', nullValues = "invalid", textBlock = """
            # field value                               | directives as Cache-Control would say them | why
            'max-age=60'                                | max-age=60                 | an integer
            'max-age=60, no-store'                      | no-store, max-age=60       | a boolean member
            'max-age=60,private'                        | private, max-age=60        | no space after a comma
            'no-store=?0, max-age=5'                    | max-age=5                  | ?0 is absent
            'no-cache="Set-Cookie"'                     | no-cache                   | a string on no-cache is unqualified no-cache
            'max-age="60"'                              | invalid                    | a string where an integer goes
            'max-age=1.5'                               | invalid                    | a decimal where an integer goes
            'max-age'                                   | invalid                    | a boolean where an integer goes
            'max-age=-5'                                | invalid                    | a negative integer
            'no-store=1'                                | invalid                    | an integer where a boolean goes
            'no-store="x"'                              | invalid                    | a string on no-store
            'private=("set-cookie")'                    | invalid                    | an inner list on private
            'private=set-cookie'                        | invalid                    | a token on private
            'no-cache=(a)'                              | invalid                    | an inner list on no-cache
            'must-revalidate=1'                         | invalid                    | an integer on must-revalidate
            'public=?1, immutable=x'                    | invalid                    | a token on immutable
            'x-ext=1, no-store'                         | no-store                   | an unknown member of any type: ignored
            'x-ext="a"'                                 | nothing                    | only unknown members: valid, grants nothing
            'max-age=60;foo=bar, must-revalidate'       | must-revalidate, max-age=60 | parameters are dropped
            'stale-while-revalidate=30, stale-if-error=600, s-maxage=9' | s-maxage=9, stale-while-revalidate=30, stale-if-error=600 | the others with seconds
            'immutable, max-age=600'                    | max-age=600, immutable     | immutable
            'x-ext=(a b), max-age=3'                    | max-age=3                  | an inner list, unknown: ignored
            'Max-Age=60'                                | invalid                    | an upper-case key
            'max-age=60,'                               | invalid                    | a trailing comma
            'max-age=60;'                               | invalid                    | an empty parameter
            'max-age=-'                                 | invalid                    | a lone minus
            'max-age=1234567890123456'                  | invalid                    | an integer of 16 digits
            'no-cache="a\\b"'                           | invalid                    | a bad escape in a string
            'max-age=60 no-store'                       | invalid                    | a space where a comma goes
            '=60'                                       | invalid                    | no key
            ''                                          | invalid                    | empty: not a non-empty dictionary
            """)
    void aTargetedFieldIsAStrictDictionaryOfCacheDirectives(String value, String directives, String why) {
        CacheControl parsed = TargetedControl.fromDictionary(StructuredDictionary.parse(value));
        CacheControl expected = directives == null
                ? null
                : directives.equals("nothing") ? CacheControl.NONE : CacheControl.parse(directives);
        assertEquals(expected, parsed, why);
    }

    @Test
    void theOwnFieldComesFirstThenCdnCacheControlThenCacheControl() {
        TargetedControl targeting = new TargetedControl("Acme-CDN-Cache-Control");
        Map<String, String> all = Map.of(
                "Acme-CDN-Cache-Control", "max-age=10",
                "CDN-Cache-Control", "max-age=20",
                "Cache-Control", "max-age=30",
                "Expires", "Thu, 01 Jan 2099 00:00:00 GMT");
        assertEquals(10, targeting.of(all::get).control().maxAge());
        assertNull(targeting.of(all::get).expires(), "Expires is set aside by a targeted field");
        Map<String, String> invalidOwn = Map.of(
                "Acme-CDN-Cache-Control", "max-age=10,",
                "CDN-Cache-Control", "max-age=20",
                "Cache-Control", "max-age=30");
        assertEquals(20, targeting.of(invalidOwn::get).control().maxAge(), "an invalid field is skipped");
        Map<String, String> invalidBoth =
                Map.of("CDN-Cache-Control", "MAX-AGE=20", "Cache-Control", "max-age=30", "Expires", "0");
        TargetedControl.Directives fallback = targeting.of(invalidBoth::get);
        assertEquals(30, fallback.control().maxAge());
        assertEquals("0", fallback.expires());
        assertFalse(fallback.targeted());
        assertTrue(targeting
                .of(Map.of("CDN-Cache-Control", "no-store")::get)
                .control()
                .noStore());
    }
}
