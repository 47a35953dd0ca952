package io.serai.ingress;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.serai.http.ClientRequest;
import io.serai.http.HeaderValues;
import io.serai.http.ResolvedClient;
import io.serai.settings.ProxySettings;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The forwarding fields a backend receives, decided for one request without a network: from a peer Serai
 * does not trust (203.0.113.7, 2001:db8::7) the client's claims are dropped or replaced by what Serai
 * saw; from a trusted proxy (10.0.0.5, in 10.0.0.0/8) they are kept and extended. The networked view of
 * the same rules is {@link ForwardingHeadersTest}. A request names Host public.example unless a row says.
 */
@Timeout(10)
class ForwardingHeadersRulesTest {

    private static final CamelContext CONTEXT = new DefaultCamelContext();

    private static final ForwardingSettings BEHIND_10_8 = ForwardingSettings.from(
            Map.of("serai.trusted-proxies", "10.0.0.0/8", "serai.forwarded.rfc7239", "true")::get);

    @AfterAll
    static void close() throws Exception {
        CONTEXT.close();
    }

    @ParameterizedTest(name = "[{index}] {5}: from {0}, \"{2}\" -> {3}: {4}")
    @CsvSource(delimiter = '|', nullValues = "absent", textBlock = """
            # peer      | TLS   | client sends (; between)                    | field                   | backend receives                                   | rule
            203.0.113.7 | false |                                             | X-Forwarded-For         | 203.0.113.7                                        | X-Forwarded-For (de facto): the peer
            203.0.113.7 | false | X-Forwarded-For: 198.51.100.9               | X-Forwarded-For         | 203.0.113.7                                        | RFC 7239 8.1: an untrusted hop's list is not kept
            203.0.113.7 | false | X-Forwarded-Proto: https                    | X-Forwarded-Proto       | http                                               | X-Forwarded-Proto: the scheme Serai saw
            203.0.113.7 | true  |                                             | X-Forwarded-Proto       | https                                              | X-Forwarded-Proto: TLS is https
            203.0.113.7 | false | X-Forwarded-Host: evil.example              | X-Forwarded-Host        | public.example                                     | X-Forwarded-Host: the Host Serai saw
            203.0.113.7 | false | X-Forwarded-Port: 443                       | X-Forwarded-Port        | 80                                                 | X-Forwarded-Port: the scheme's default port
            203.0.113.7 | true  |                                             | X-Forwarded-Port        | 443                                                | X-Forwarded-Port: the scheme's default port
            203.0.113.7 | true  | Host: public.example:8443                   | X-Forwarded-Port        | 8443                                               | X-Forwarded-Port: the port the client named in Host
            203.0.113.7 | false | Host: [2001:db8::1]:8080                    | X-Forwarded-Port        | 8080                                               | RFC 3986 3.2.2: an IPv6 host with a port
            203.0.113.7 | false | Host: [2001:db8::1]                         | X-Forwarded-Port        | 80                                                 | RFC 3986 3.2.2: an IPv6 host without a port
            203.0.113.7 | false | X-Real-IP: 198.51.100.9                     | X-Real-IP               | absent                                             | RFC 7239 8.1: a claim Serai does not state is dropped
            203.0.113.7 | false | X-Forwarded-Prefix: /admin                  | X-Forwarded-Prefix      | absent                                             | RFC 7239 8.1: a claim Serai does not state is dropped
            203.0.113.7 | false | X-Original-URL: /admin                      | X-Original-URL          | absent                                             | RFC 7239 8.1: a claim Serai does not state is dropped
            203.0.113.7 | false | X-Rewrite-URL: /admin                       | X-Rewrite-URL           | absent                                             | RFC 7239 8.1: a claim Serai does not state is dropped
            203.0.113.7 | false | X-Forwarded-Client-Cert: Hash=00            | X-Forwarded-Client-Cert | absent                                             | RFC 7239 8.1: a claim Serai does not state is dropped
            203.0.113.7 | false | X_Forwarded_For: 198.51.100.9               | X_Forwarded_For         | absent                                             | RFC 9110 16.3.2.1: _ for - is never a forwarding field
            203.0.113.7 | false | Forwarded: for=198.51.100.9                 | Forwarded               | for=203.0.113.7;proto=http;host=public.example     | RFC 7239 4, 5: Serai's element alone
            203.0.113.7 | false | Host: public.example:8080                   | Forwarded               | for=203.0.113.7;proto=http;host="public.example:8080" | RFC 7239 4: a value that is not a token is quoted
            2001:db8::7 | false |                                             | Forwarded               | for="[2001:db8::7]";proto=http;host=public.example | RFC 7239 6: an IPv6 node is quoted in brackets
            203.0.113.7 | false |                                             | Via                     | 1.1 serai                                          | RFC 9110 7.6.3: Serai's hop
            203.0.113.7 | false | Via: 1.0 fred                               | Via                     | 1.0 fred, 1.1 serai                                | RFC 9110 7.6.3: appended to the hops before
            10.0.0.5    | false |                                             | X-Forwarded-For         | 10.0.0.5                                           | X-Forwarded-For: the trusted peer when it names none
            10.0.0.5    | false | X-Forwarded-For: 198.51.100.9               | X-Forwarded-For         | 198.51.100.9, 10.0.0.5                             | X-Forwarded-For: a trusted list gets the peer appended
            10.0.0.5    | false | X-Forwarded-For: 198.51.100.9; X-Forwarded-For: 10.0.0.3 | X-Forwarded-For | 198.51.100.9, 10.0.0.3, 10.0.0.5      | RFC 9110 5.3: over several lines
            10.0.0.5    | false | X-Forwarded-Proto: https                    | X-Forwarded-Proto       | https                                              | X-Forwarded-Proto: a trusted proxy's stands
            10.0.0.5    | false | X-Forwarded-Host: public.example; Host: internal:8080 | X-Forwarded-Host | public.example                         | X-Forwarded-Host: a trusted proxy's stands
            10.0.0.5    | false | X-Forwarded-Host: public.example; Host: internal:8080 | X-Forwarded-Port | 80                                     | X-Forwarded-Port: from the forwarded host and scheme
            10.0.0.5    | false | X-Forwarded-Proto: https; Host: internal:8080 | X-Forwarded-Port      | 8080                                               | X-Forwarded-Port: the port in Host wins over a scheme
            10.0.0.5    | false | X-Forwarded-Proto: https                    | X-Forwarded-Port        | 443                                                | X-Forwarded-Port: the forwarded scheme's default
            10.0.0.5    | false | X-Forwarded-Port: 8443                      | X-Forwarded-Port        | 8443                                               | X-Forwarded-Port: a trusted proxy's stands
            10.0.0.5    | false | X-Real-IP: 198.51.100.9                     | X-Real-IP               | 198.51.100.9                                       | a trusted proxy's claims stand
            10.0.0.5    | false | Forwarded: for=198.51.100.9                 | Forwarded               | for=198.51.100.9, for=10.0.0.5;proto=http;host=public.example | RFC 7239 4: a trusted list gets Serai's element appended
            10.0.0.5    | false | X_Forwarded_For: 198.51.100.9               | X_Forwarded_For         | absent                                             | RFC 9110 16.3.2.1: _ for - is dropped from a trusted proxy too
            10.0.0.5    | false | Via: 1.1 lb                                 | Via                     | 1.1 lb, 1.1 serai                                  | RFC 9110 7.6.3: appended to the hops before
            """)
    void theBackendReceivesWhatSeraiSawOrWhatATrustedProxySaid(
            String peer, boolean tls, String sent, String field, String expected, String rule) throws Exception {
        Exchange exchange = new DefaultExchange(CONTEXT);
        Map<String, Object> headers = exchange.getMessage().getHeaders();
        ForwardingHeaders.apply(
                exchange,
                request(HttpVersion.HTTP_1_1, peer, sent, headers),
                headers,
                tls,
                ProxySettings.defaults(),
                BEHIND_10_8);
        assertEquals(expected, joined(headers.get(field)), rule);
    }

    @ParameterizedTest(name = "[{index}] from {0} with X-Forwarded-For \"{1}\" the client is {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # peer      | X-Forwarded-For          | client
            203.0.113.7 | 198.51.100.9             | 203.0.113.7
            10.0.0.5    |                          | 10.0.0.5
            10.0.0.5    | 198.51.100.9             | 198.51.100.9
            10.0.0.5    | 192.0.2.1, 198.51.100.9, 10.0.0.3 | 198.51.100.9
            """)
    void theClientIsThePeerOrWhomATrustedProxyNames(String peer, String forwardedFor, String client) throws Exception {
        Exchange exchange = new DefaultExchange(CONTEXT);
        Map<String, Object> headers = exchange.getMessage().getHeaders();
        String sent = forwardedFor == null ? null : "X-Forwarded-For: " + forwardedFor;
        ForwardingHeaders.apply(
                exchange,
                request(HttpVersion.HTTP_1_1, peer, sent, headers),
                headers,
                false,
                ProxySettings.defaults(),
                BEHIND_10_8);
        assertEquals(client, exchange.getProperty(ResolvedClient.CLIENT_ADDRESS, String.class));
    }

    @Test
    void viaNamesTheClientsProtocolVersionAndTheConfiguredName() throws Exception {
        ProxySettings named = ProxySettings.from(Map.of("serai.via.name", "edge-1")::get);
        Exchange exchange = new DefaultExchange(CONTEXT);
        Map<String, Object> headers = exchange.getMessage().getHeaders();
        ForwardingHeaders.apply(
                exchange,
                request(HttpVersion.HTTP_1_0, "203.0.113.7", null, headers),
                headers,
                false,
                named,
                ForwardingSettings.from(key -> null));
        assertEquals("1.0 edge-1", headers.get("Via"));
    }

    @Test
    void withoutRfc7239AForwardedClaimIsDroppedAndNoneIsWritten() throws Exception {
        ProxySettings defaults = ProxySettings.defaults();
        Exchange exchange = new DefaultExchange(CONTEXT);
        Map<String, Object> headers = exchange.getMessage().getHeaders();
        ForwardingHeaders.apply(
                exchange,
                request(HttpVersion.HTTP_1_1, "203.0.113.7", "Forwarded: for=198.51.100.9", headers),
                headers,
                false,
                defaults,
                ForwardingSettings.from(key -> null));
        assertNull(headers.get("Forwarded"));
    }

    /**
     * The client's request from {@code peer} with {@code sent} ("Name: value; Name: value"), its fields
     * also put in {@code headers} as Camel's binding puts them (a repeated field as a list).
     */
    private static ClientRequest request(HttpVersion version, String peer, String sent, Map<String, Object> headers)
            throws Exception {
        DefaultFullHttpRequest request =
                new DefaultFullHttpRequest(version, HttpMethod.GET, "/", Unpooled.EMPTY_BUFFER);
        if (sent != null) {
            for (String line : sent.split(";(?= *[A-Za-z_-]+:)")) {
                int colon = line.indexOf(':');
                request.headers()
                        .add(
                                line.substring(0, colon).trim(),
                                line.substring(colon + 1).trim());
            }
        }
        if (!request.headers().contains("Host")) {
            request.headers().add("Host", "public.example");
        }
        request.headers().forEach(field -> HeaderValues.append(headers, field.getKey(), field.getValue()));
        return new ClientRequest(request, new InetSocketAddress(InetAddress.getByName(peer), 40_000), null, null, null);
    }

    private static String joined(Object field) {
        return field instanceof List<?> lines
                ? String.join(", ", lines.stream().map(String::valueOf).toList())
                : field == null ? null : field.toString();
    }
}
