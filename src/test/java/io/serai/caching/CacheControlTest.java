package io.serai.caching;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheControlTest {

    @Test
    void directivesAreReadWithoutRegardToCaseOrSpacing() {
        CacheControl cc = CacheControl.parse("Public ,MAX-AGE=60,  s-maxage=\"120\", stale-while-revalidate=5");
        assertTrue(cc.isPublic());
        assertEquals(60, cc.maxAge());
        assertEquals(120, cc.sMaxAge());
        assertEquals(5, cc.staleWhileRevalidate());
    }

    @Test
    void unknownDirectivesAndCommasInQuotedArgumentsChangeNothing() {
        CacheControl cc = CacheControl.parse("x-everything, ext=\"no-store, private\", max-age=10");
        assertFalse(cc.noStore());
        assertFalse(cc.isPrivate());
        assertEquals(10, cc.maxAge());
    }

    @Test
    void anInvalidDeltaCountsAsZeroAndTheMoreRestrictiveDuplicateWins() {
        assertEquals(0, CacheControl.parse("max-age=ten").maxAge());
        assertEquals(0, CacheControl.parse("max-age=-5").maxAge());
        assertEquals(10, CacheControl.parse("max-age=60, max-age=10").maxAge());
        assertEquals(
                Integer.MAX_VALUE,
                CacheControl.parse("max-age=99999999999999999999").maxAge());
    }

    @Test
    void maxStaleWithoutAValueAcceptsAnyStaleness() {
        assertEquals(CacheControl.ANY, CacheControl.parse("max-stale").maxStale());
        assertEquals(30, CacheControl.parse("max-stale=30").maxStale());
        assertEquals(-1, CacheControl.parse("max-age=1").maxStale());
    }

    @Test
    void qualifiedNoCacheAndPrivateCountAsUnqualified() {
        assertTrue(CacheControl.parse("no-cache=\"Set-Cookie\"").noCache());
        assertTrue(CacheControl.parse("private=\"X-User\"").isPrivate());
    }
}
