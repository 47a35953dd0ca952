package io.serai.security.credentials;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** One parameter found in and taken out of a raw query, every other byte kept. */
@Timeout(10)
class QueryParametersTest {

    @Test
    void findsEveryOccurrenceAndDecodesTheFirstValue() {
        assertEquals(new QueryParameters.Found(1, "k+1 2"), QueryParameters.find("a=1&api_key=k+1%202", "api_key"));
        assertEquals(new QueryParameters.Found(2, "x"), QueryParameters.find("api_key=x&api%5Fkey=y", "api_key"));
        assertEquals(new QueryParameters.Found(1, ""), QueryParameters.find("api_key&b", "api_key"));
        assertEquals(
                0,
                QueryParameters.find("api_keys=x&xapi_key=y&a=api_key", "api_key")
                        .count());
        assertEquals(0, QueryParameters.find(null, "api_key").count());
    }

    @Test
    void removesItAndKeepsTheRestAsSent() {
        assertEquals("b=%20x&c=1+2&&d", QueryParameters.without("b=%20x&api_key=k&c=1+2&&d", "api_key"));
        assertEquals("a=1&", QueryParameters.without("api_key=k&a=1&", "api_key"));
        assertEquals("a=1", QueryParameters.without("a=1&api_key=k&api%5fkey=j", "api_key"));
        assertNull(QueryParameters.without("api_key=k", "api_key"));
    }
}
