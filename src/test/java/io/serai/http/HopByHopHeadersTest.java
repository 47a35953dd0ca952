package io.serai.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which fields stay on one connection (RFC 9110 section 7.6.1): the fixed hop-by-hop fields, and every
 * field a message names in its Connection header, in any case, over one or more Connection lines.
 */
@Timeout(10)
class HopByHopHeadersTest {

    @ParameterizedTest(name = "[{index}] {3}: Connection \"{0}\", {1} -> excluded {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # Connection lines (; between) | field              | excluded | rule
                                           | Connection         | true     | RFC 9110 7.6.1: Connection itself
                                           | Keep-Alive         | true     | RFC 9110 7.6.1: Keep-Alive
                                           | Proxy-Connection   | true     | RFC 9110 7.6.1: Proxy-Connection
                                           | TE                 | true     | RFC 9110 7.6.1: TE
                                           | Transfer-Encoding  | true     | RFC 9110 7.6.1: Transfer-Encoding
                                           | Upgrade            | true     | RFC 9110 7.6.1: Upgrade
                                           | Trailer            | true     | RFC 9110 7.6.1 (RFC 7230 6.1): Trailer
                                           | TRANSFER-ENCODING  | true     | RFC 9110 5.1: field names are case-insensitive
                                           | Content-Type       | false    | RFC 9110 7.6.1: end-to-end by default
                                           | X-Session          | false    | RFC 9110 7.6.1: end-to-end by default
            close, X-Session               | X-Session          | true     | RFC 9110 7.6.1: listed in Connection
            close, X-Session               | x-SESSION          | true     | RFC 9110 7.6.1: a listed name in any case
            close, X-Session               | X-Other            | false    | RFC 9110 7.6.1: only the listed names
            X-A; X-B                       | X-B                | true     | RFC 9110 5.3: Connection over several lines
            X-A; X-B                       | X-A                | true     | RFC 9110 5.3: Connection over several lines
            ',X-Session , ,,close'         | X-Session          | true     | RFC 9110 5.6.1: empty list elements are ignored
            keep-alive                     | Content-Length     | false    | RFC 9110 7.6.1: listing a fixed field adds nothing
            """)
    void aFieldCrossesTheProxyUnlessItIsFixedHopByHopOrNamedInConnection(
            String connection, String field, boolean excluded, String rule) {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (connection != null) {
            for (String line : connection.split(";")) {
                headers.add("Connection", line.trim());
            }
        }
        assertEquals(excluded, HopByHopHeaders.of(headers).excludes(field), rule);
    }

    @ParameterizedTest(name = "[{index}] {0} -> internal {1}")
    @CsvSource(delimiter = '|', textBlock = """
            CamelHttpUri              | true
            camelHttpResponseCode     | true
            org.apache.camel.Foo      | true
            breadcrumbId              | true
            BREADCRUMBID              | true
            X-Camel                   | false
            Content-Type              | false
            org.apache.other          | false
            """)
    void camelsOwnHeadersAreNeverHttpFields(String name, boolean internal) {
        assertEquals(internal, HopByHopHeaders.isCamelInternal(name));
    }
}
