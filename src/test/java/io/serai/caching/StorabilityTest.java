package io.serai.caching;

import io.serai.http.HeaderValues;
import org.apache.camel.util.CaseInsensitiveMap;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Whether the shared cache may store a response (RFC 9111 section 3), and the reason Cache-Status gives
 * when it may not. Serai's own refusals (cookies, event streams, size) are marked as policy.
 */
@Timeout(10)
class StorabilityTest {

    private static final long MAX_OBJECT = 1000;

    @ParameterizedTest(name = "[{index}] {6}: {0} \"{3}\" -> {5}")
    @CsvSource(delimiter = '|', nullValues = "stored", textBlock = """
            # status | request Cache-Control | authorized | response fields (; between)            | body | refusal        | rule
            200      |                       | false      | Cache-Control: max-age=60               | 10   | stored         | RFC 9111 3: explicit lifetime
            200      |                       | false      |                                         | 10   | stored         | RFC 9111 3, 4.2.2: 200 is heuristically cacheable
            301      |                       | false      |                                         | 10   | stored         | RFC 9110 15.1: 301 is heuristically cacheable
            302      |                       | false      |                                         | 10   | status         | RFC 9111 3: 302 needs an explicit lifetime
            500      |                       | false      |                                         | 10   | status         | RFC 9111 3: 500 needs an explicit lifetime
            500      |                       | false      | Cache-Control: max-age=60               | 10   | stored         | RFC 9111 3: explicit lifetime
            500      |                       | false      | Expires: Wed, 25 Nov 2026 13:00:00 GMT  | 10   | stored         | RFC 9111 3, 5.3: Expires is explicit
            500      |                       | false      | Cache-Control: public                   | 10   | stored         | RFC 9111 3, 5.2.2.9: public
            101      |                       | false      | Cache-Control: max-age=60               | 0    | status         | RFC 9111 3: a final response only
            206      |                       | false      | Cache-Control: max-age=60               | 10   | status         | RFC 9111 3.3: Serai keeps no partial content
            304      |                       | false      | Cache-Control: max-age=60               | 0    | status         | RFC 9111 4.3.4: a 304 freshens, is not stored
            200      | no-store              | false      | Cache-Control: max-age=60               | 10   | no-store       | RFC 9111 5.2.1.5: request no-store
            200      |                       | false      | Cache-Control: no-store, max-age=60     | 10   | no-store       | RFC 9111 5.2.2.5: response no-store
            200      |                       | false      | Cache-Control: private, max-age=60      | 10   | private        | RFC 9111 5.2.2.7: private, shared cache
            200      |                       | false      | Cache-Control: private="X-User"         | 10   | private        | RFC 9111 5.2.2.7: qualified private as unqualified
            200      |                       | true       | Cache-Control: max-age=60               | 10   | authorization  | RFC 9111 3.5: Authorization without leave
            200      |                       | true       | Cache-Control: public                   | 10   | stored         | RFC 9111 3.5: public allows it
            200      |                       | true       | Cache-Control: s-maxage=60              | 10   | stored         | RFC 9111 3.5: s-maxage allows it
            200      |                       | true       | Cache-Control: must-revalidate          | 10   | stored         | RFC 9111 3.5: must-revalidate allows it
            200      |                       | false      | Cache-Control: max-age=60; Set-Cookie: id=1 | 10 | set-cookie     | Serai policy: a cookie without explicit leave for shared caches
            200      |                       | false      | Cache-Control: s-maxage=60; Set-Cookie: id=1 | 10 | stored        | Serai policy: s-maxage addresses shared caches; cookie kept from others
            200      |                       | false      | Cache-Control: public, max-age=60; Set-Cookie: id=1 | 10 | stored | Serai policy: public: stored with its cookie
            200      |                       | false      | CDN-Cache-Control: max-age=60; Set-Cookie: id=1 | 10 | stored | Serai policy: a targeted field addresses this cache
            200      |                       | false      | CDN-Cache-Control: private; Cache-Control: max-age=60 | 10 | private | RFC 9213 2.2: the targeted field governs
            200      |                       | false      | CDN-Cache-Control: max-age=60; Cache-Control: no-store | 10 | stored | RFC 9213 2.2: Cache-Control set aside
            200      |                       | false      | CDN-Cache-Control: max-age=60,; Cache-Control: no-store | 10 | no-store | RFC 9213 2.2: an invalid targeted field is ignored
            200      |                       | false      | Serai-Cache-Control: no-store; CDN-Cache-Control: max-age=60 | 10 | no-store | RFC 9213 2.2: Serai's own field first
            200      |                       | false      | CDN-Cache-Control: no-store=1; Cache-Control: no-store | 10 | no-store | RFC 9213 2.2: a wrong-typed directive makes the field invalid
            200      |                       | false      | CDN-Cache-Control: private=set-cookie; Cache-Control: private | 10 | private | RFC 9213 2.2: a token on private makes the field invalid
            200      |                       | false      | CDN-Cache-Control: max-age="600"; Cache-Control: private | 10 | private | RFC 9213 2.2: a string max-age makes the field invalid
            200      |                       | false      | Cache-Control: max-age=60; Content-Type: Text/Event-Stream | 10 | event-stream | Serai policy: events are sent once
            200      |                       | false      | Cache-Control: max-age=60; Vary: Accept, *  | 10 | vary-star      | RFC 9111 4.1: Vary * never matches
            200      |                       | false      | Cache-Control: max-age=60; Vary: Accept | 10   | stored         | RFC 9111 4.1: Vary of named fields
            200      |                       | false      | Cache-Control: max-age=60               | 1000 | stored         | Serai policy: up to the largest object
            200      |                       | false      | Cache-Control: max-age=60               | 1001 | too-large      | Serai policy: larger than the largest object
            """)
    void aResponseIsStoredOnlyWhenNoRuleRefusesIt(
            int status,
            String request,
            boolean authorized,
            String fields,
            long bodyBytes,
            String refusal,
            String rule) {
        assertEquals(
                refusal,
                Storability.refusal(
                        status,
                        CacheControl.parse(request),
                        authorized,
                        fields(fields),
                        bodyBytes,
                        MAX_OBJECT,
                        TargetedControl.DEFAULT),
                rule);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            text/event-stream                  | true
            Text/Event-Stream; charset=utf-8   | true
            '  text/event-stream ;charset=utf-8' | true
            text/event-streams                 | false
            text/plain; x=text/event-stream    | false
            application/json                   | false
            null                               | false
            """)
    void onlyTheEventStreamMediaTypeIsAnEventStreamWhateverItsCaseAndParameters(String contentType, boolean expected) {
        assertEquals(expected, Storability.isEventStream(contentType));
    }

    /** "Name: value; Name: value" as the header map Camel's binding fills, a repeated name as a list. */
    private static Map<String, Object> fields(String text) {
        Map<String, Object> headers = new CaseInsensitiveMap();
        if (text != null) {
            for (String field : text.split(";")) {
                int colon = field.indexOf(':');
                HeaderValues.append(
                        headers,
                        field.substring(0, colon).trim(),
                        field.substring(colon + 1).trim());
            }
        }
        return headers;
    }
}
