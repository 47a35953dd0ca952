package io.serai.security.credentials;

import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory of validated tokens: found again until the token expires, bounded, emptied on a key change. */
@Timeout(10)
class ValidatedTokensTest {

    private static ValidatedTokens.Admission until(long millisFromNow) {
        return new ValidatedTokens.Admission(Map.of("X-User-Id", "alice"), System.currentTimeMillis() + millisFromNow);
    }

    @Test
    void aRememberedTokenIsFoundWithItsHeadersAndNoOtherTokenIs() {
        ValidatedTokens tokens = new ValidatedTokens(10);
        tokens.remember("aaa.bbb.ccc", until(60_000));
        assertEquals(Map.of("X-User-Id", "alice"), tokens.find("aaa.bbb.ccc").headers());
        assertNull(tokens.find("aaa.bbb.ccd"));
        tokens.clear();
        assertNull(tokens.find("aaa.bbb.ccc"), "a key change forgets every token");
    }

    @Test
    void aTokenIsForgottenWhenItExpires() throws InterruptedException {
        ValidatedTokens tokens = new ValidatedTokens(10);
        tokens.remember("short", until(300));
        tokens.remember("expired", until(-1));
        assertTrue(tokens.find("short") != null);
        assertNull(tokens.find("expired"));
        Waits.upTo(Duration.ofSeconds(2))
                .alias("the token is forgotten once it expires")
                .until(() -> tokens.find("short") == null);
        // Caffeine drops expired entries by its timer wheel, whose finest step is about a second.
        Waits.upTo(Duration.ofSeconds(5))
                .alias("an expired token's entry is dropped, not only hidden")
                .until(() -> tokens.size() == 0);
    }

    @Test
    void theMemoryIsBoundedAndCanBeTurnedOff() {
        ValidatedTokens tokens = new ValidatedTokens(100);
        for (int i = 0; i < 1_000; i++) {
            tokens.remember("token-" + i, until(60_000));
        }
        assertTrue(tokens.size() <= 100, "kept " + tokens.size());
        ValidatedTokens none = new ValidatedTokens(0);
        none.remember("token", until(60_000));
        assertNull(none.find("token"));
    }
}
