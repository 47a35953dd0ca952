package io.serai.caching;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Age field (RFC 9111 section 5.1): a non-negative integer; of several members the first counts;
 * anything else is ignored (counts as no Age); past 2^31 - 1 it is 2^31 (section 1.2.2), so stale.
 */
@Timeout(10)
class AgeFieldTest {

    @ParameterizedTest(name = "[{index}] {2}: \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', nullValues = "absent", textBlock = """
            # value                  | seconds    | rule
            absent                   | 0          | no Age
            '12'                     | 12         | an integer
            ' 12 '                   | 12         | OWS around the value
            '0012'                   | 12         | leading zeros
            '60, 7200'               | 60         | several members: the first counts
            '-3'                     | 0          | negative: ignored
            '+3'                     | 0          | a sign: ignored
            '1.5'                    | 0          | a fraction: ignored
            '12a'                    | 0          | a suffix: ignored
            'soon'                   | 0          | not a number: ignored
            ''                       | 0          | empty: ignored
            '2147483647'             | 2147483647 | 2^31 - 1
            '2147483648'             | 2147483648 | 2^31
            '99999999999999999999999' | 2147483648 | past 2^31: capped at 2^31, stale
            """)
    void anAgeIsANonNegativeIntegerCappedAtTwoToThe31(String value, long seconds, String rule) {
        assertEquals(seconds, Freshness.parseAge(value), rule);
    }
}
