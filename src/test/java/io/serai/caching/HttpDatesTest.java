package io.serai.caching;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.Year;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * HTTP-dates as RFC 9110 section 5.6.7 defines them: the three forms a recipient must accept, and one
 * row per defect that makes a value invalid (an invalid Expires then means stale, RFC 9111 section 5.3).
 */
@Timeout(10)
class HttpDatesTest {

    @ParameterizedTest(name = "[{index}] {2}: \"{0}\"")
    @CsvSource(delimiter = '|', nullValues = "invalid", textBlock = """
            # value                              | instant               | form or defect
            'Sun, 06 Nov 1994 08:49:37 GMT'      | 1994-11-06T08:49:37Z  | IMF-fixdate
            '  Sun, 06 Nov 1994 08:49:37 GMT '   | 1994-11-06T08:49:37Z  | IMF-fixdate, OWS around the field value
            'Thu, 31 Dec 2026 23:59:60 GMT'      | 2027-01-01T00:00:00Z  | IMF-fixdate, a leap second
            'Sunday, 06-Nov-94 08:49:37 GMT'     | 1994-11-06T08:49:37Z  | obsolete RFC 850 form
            'Sun Nov  6 08:49:37 1994'           | 1994-11-06T08:49:37Z  | obsolete asctime form, one-digit day
            'Sun Nov 16 08:49:37 1994'           | 1994-11-16T08:49:37Z  | obsolete asctime form, two-digit day
            'Mon, 06 Nov 1994 08:49:37 GMT'      | 1994-11-06T08:49:37Z  | a day name the date does not have: not checked
            'Wed, 31 Dec 1969 23:59:59 GMT'      | 1969-12-31T23:59:59Z  | before 1970: negative milliseconds, valid
            'Thu, 01 Jan 1970 00:00:00 GMT'      | 1970-01-01T00:00:00Z  | the epoch
            'Sun, 06 Nov 1994 08:49:37 UTC'      | invalid               | UTC instead of GMT
            'Sun, 06 Nov 1994 08:49:37 AEST'     | invalid               | AEST instead of GMT
            'Sun, 06 Nov 1994 08:49:37 +0000'    | invalid               | a numeric zone
            'Sun, 06 Nov 1994 08:49:37'          | invalid               | no zone
            'Sun, 06 Nov 94 08:49:37 GMT'        | invalid               | two-digit year in the IMF form
            'Sun 06 Nov 1994 08:49:37 GMT'       | invalid               | missing comma
            'Sun,  06 Nov 1994 08:49:37 GMT'     | invalid               | doubled space after the comma
            'Sun, 06 Nov  1994 08:49:37 GMT'     | invalid               | doubled space before the year
            'Sun, 06-Nov-1994 08:49:37 GMT'      | invalid               | dashes in the IMF form
            'Sun, 6 Nov 1994 08:49:37 GMT'       | invalid               | one-digit day in the IMF form
            'Sun, 06 Nov 1994 8:49:37 GMT'       | invalid               | one-digit hour
            'Sun, 06 Nov 1994 08.49.37 GMT'      | invalid               | periods in the time
            'Sun, 06 Nov 1994 24:00:00 GMT'      | invalid               | hour 24
            'Sun, 31 Nov 1994 08:49:37 GMT'      | invalid               | 31 November
            'sun, 06 nov 1994 08:49:37 gmt'      | invalid               | lower case (HTTP-date is case-sensitive)
            'Sunday, 06 Nov 1994 08:49:37 GMT'   | invalid               | long day name in the IMF form
            'Sun, 06-Nov-94 08:49:37 GMT'        | invalid               | short day name in the RFC 850 form
            'Sunday, 06-Nov-94 08:49:37 UTC'     | invalid               | RFC 850 form with UTC
            'Sun Nov 6 08:49:37 1994'            | invalid               | asctime without the space before a one-digit day
            'Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT' | invalid | two field lines, joined
            '0'                                  | invalid               | 0
            '-1'                                 | invalid               | -1
            ''                                   | invalid               | empty
            '1994-11-06T08:49:37Z'               | invalid               | ISO 8601
            """)
    void onlyTheThreeFormsOfAnHttpDateAreValid(String value, String instant, String form) {
        long expected =
                instant == null ? HttpDates.INVALID : Instant.parse(instant).toEpochMilli();
        assertEquals(expected, HttpDates.parse(value), form);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            # years ahead of now | years back from the two digits
            0                    | 0
            50                   | 0
            51                   | 100
            """)
    void aTwoDigitYearMoreThanFiftyYearsAheadIsInThePastCentury(int ahead, int back) {
        int now = Year.now(ZoneOffset.UTC).getValue();
        int year = now + ahead;
        String value = String.format("Sunday, 06-Nov-%02d 08:49:37 GMT", year % 100);
        int parsedYear = Instant.ofEpochMilli(HttpDates.parse(value))
                .atOffset(ZoneOffset.UTC)
                .getYear();
        assertEquals(year - back, parsedYear, value);
    }
}
