package io.serai.ingress;

import io.serai.support.AccessLogLines;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a backend may believe about a request: the client's forwarding fields from a peer Serai does not
 * trust are dropped or replaced, a trusted proxy's are kept and extended, and the client address every
 * feature uses is decided once. Tests connect from 127.0.0.1: one Serai trusts nobody (the default),
 * the other trusts 127.0.0.1 as a proxy in front of it.
 */
@Timeout(60)
class ForwardingHeadersTest {

    private static final String ROUTES = """
            - beans:
                - name: onePerClient
                  type: "#class:io.serai.resilience.RateLimitPolicy"
                  properties:
                    limit: 1
                    period: 1h
                    burst: 1
                - name: documentationNet
                  type: "#class:io.serai.security.ClientAddressCheck"
                  properties:
                    allow: "203.0.113.0/24"
                - name: byClient
                  type: "#class:io.serai.balancing.ConsistentHashLoadBalancer"
            - route:
                id: proxy
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - setHeader:
                        name: X-Client
                        simple: "${exchangeProperty.seraiClientAddress}"
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: self
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/self?matchOnUriPrefix=true"
                  steps:
                    - setBody:
                        constant: "answered by the route"
            - route:
                id: limited
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/limited?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: onePerClient
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            - route:
                id: sticky
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/sticky?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        customLoadBalancer: {ref: byClient}
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
                          - to: "netty-http:http://{{backend.2}}"
            - route:
                id: checked
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/checked?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: documentationNet}
                    - to: "netty-http:http://{{backend.1}}"
            """;

    /** Every field a client could send to pose as what Serai (or a proxy it trusts) states. */
    private static final String CLAIMS = "Forwarded: for=198.51.100.9;proto=https\r\n"
            + "X-Real-IP: 198.51.100.9\r\n"
            + "X-Forwarded-Port: 443\r\n"
            + "X-Forwarded-Prefix: /admin\r\n"
            + "X-Original-URL: /admin/users\r\n"
            + "X-Rewrite-URL: /admin/users\r\n"
            + "X-Forwarded-Client-Cert: Hash=00;Subject=\"CN=admin\"\r\n";

    @TempDir
    static Path dir;

    static TestBackend backend;
    static TestBackend other;
    static RunningSerai edge;
    static RunningSerai behindProxy;
    static Path accessLog;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("forwarded-to");
        other = TestBackend.start("other");
        edge = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("backend.2", other.hostPort())
                .start(dir);
        accessLog = dir.resolve("access.log");
        behindProxy = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("backend.2", other.hostPort())
                .property("serai.trusted-proxies", "127.0.0.1, 10.0.0.0/8")
                .property("serai.forwarded.rfc7239", "true")
                .property("serai.access-log", accessLog)
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        edge.close();
        behindProxy.close();
        backend.close();
        other.close();
    }

    // --- from a peer Serai does not trust (the default) -------------------------------------------

    @Test
    void fromAnUntrustedPeerTheClientsForwardingClaimsNeverReachTheBackend() throws IOException {
        assertEquals(200, get(edge, "Host: public.example\r\n" + CLAIMS).status());
        RecordedRequest seen = backend.lastRequest();
        for (String claim : List.of(
                "Forwarded",
                "X-Real-IP",
                "X-Forwarded-Prefix",
                "X-Original-URL",
                "X-Rewrite-URL",
                "X-Forwarded-Client-Cert")) {
            assertNull(seen.header(claim), claim + " reached the backend: " + seen.headers());
        }
        assertEquals("80", seen.header("X-Forwarded-Port"), "the port is Serai's own, not the client's 443");
    }

    @Test
    void fromAnUntrustedPeerXForwardedForIsThePeerAloneNotAppendedTo() throws IOException {
        get(edge, "Host: public.example\r\nX-Forwarded-For: 203.0.113.7\r\nX-Forwarded-For: 10.0.0.1\r\n");
        RecordedRequest seen = backend.lastRequest();
        assertEquals(List.of("X-Forwarded-For: 127.0.0.1"), fields(seen, "x-forwarded-for"));
        assertEquals("127.0.0.1", seen.header("X-Client"), "the client address is the peer");
    }

    @Test
    void fromAnUntrustedPeerProtoHostAndPortAreSeraisOwnObservation() throws IOException {
        get(
                edge,
                "Host: public.example:8443\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: bank.example\r\n"
                        + "X-Forwarded-Port: 443\r\n");
        RecordedRequest seen = backend.lastRequest();
        assertEquals(List.of("X-Forwarded-Proto: http"), fields(seen, "x-forwarded-proto"));
        assertEquals(List.of("X-Forwarded-Host: public.example:8443"), fields(seen, "x-forwarded-host"));
        assertEquals(
                List.of("X-Forwarded-Port: 8443"),
                fields(seen, "x-forwarded-port"),
                "the port the client addressed, from Host");
        get(edge, "Host: public.example\r\n");
        assertEquals("80", backend.lastRequest().header("X-Forwarded-Port"), "without one in Host, the scheme's");
    }

    @Test
    void underscoreSpellingsOfForwardingFieldsNeverReachTheBackend() throws IOException {
        String spoofs = "X_Forwarded_For: 203.0.113.7\r\nx_real_ip: 203.0.113.7\r\nX_Forwarded_Proto: https\r\n"
                + "X_FORWARDED_HOST: bank.example\r\nX-Forwarded_Client_Cert: Hash=00\r\n";
        for (RunningSerai serai : List.of(edge, behindProxy)) {
            assertEquals(200, get(serai, "Host: public.example\r\n" + spoofs).status());
            RecordedRequest seen = backend.lastRequest();
            assertTrue(
                    seen.headers().stream().noneMatch(h -> h.getKey().contains("_")),
                    "a folding backend would read these as Serai's: " + seen.headers());
            assertEquals("127.0.0.1", seen.header("X-Forwarded-For"));
            assertEquals("127.0.0.1", seen.header("X-Client"));
        }
    }

    @Test
    void withoutTrustedProxiesAnAddressCheckSeesThePeerWhateverXForwardedForSays() throws IOException {
        assertEquals(
                403,
                RawHttp.exchange(
                                edge.port(),
                                "GET /checked/a HTTP/1.1\r\nHost: a\r\n" + "X-Forwarded-For: 203.0.113.7\r\n\r\n")
                        .status());
    }

    // --- from a trusted proxy -------------------------------------------------------------------

    @Test
    void fromATrustedProxyTheForwardingFieldsAreKeptAndExtended() throws IOException {
        assertEquals(
                200,
                get(
                                behindProxy,
                                "Host: serai.internal:8080\r\n"
                                        + "X-Forwarded-For: 203.0.113.7, 10.0.0.2\r\n"
                                        + "Forwarded: for=_hidden;proto=https;host=shop.example, for=unknown\r\n"
                                        + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: shop.example\r\nX-Forwarded-Port: 443\r\n"
                                        + "X-Real-IP: 203.0.113.7\r\nX-Forwarded-Prefix: /shop\r\nX-Original-URL: /shop/cart\r\n"
                                        + "X-Rewrite-URL: /shop/cart\r\nX-Forwarded-Client-Cert: Hash=ab12\r\n")
                        .status());
        RecordedRequest seen = backend.lastRequest();
        assertEquals("203.0.113.7, 10.0.0.2, 127.0.0.1", seen.header("X-Forwarded-For"));
        assertEquals(
                "for=_hidden;proto=https;host=shop.example, for=unknown, "
                        + "for=127.0.0.1;proto=http;host=\"serai.internal:8080\"",
                seen.header("Forwarded"),
                "the proxy's elements as sent (obfuscated ones too), then Serai's hop");
        assertEquals("https", seen.header("X-Forwarded-Proto"));
        assertEquals("shop.example", seen.header("X-Forwarded-Host"));
        assertEquals("443", seen.header("X-Forwarded-Port"));
        assertEquals("203.0.113.7", seen.header("X-Real-IP"));
        assertEquals("/shop", seen.header("X-Forwarded-Prefix"));
        assertEquals("/shop/cart", seen.header("X-Original-URL"));
        assertEquals("/shop/cart", seen.header("X-Rewrite-URL"));
        assertEquals("Hash=ab12", seen.header("X-Forwarded-Client-Cert"));
    }

    @Test
    void behindATrustedProxyTheClientIsTheRightmostUntrustedAddressInXForwardedFor() throws IOException {
        get(behindProxy, "Host: a\r\nX-Forwarded-For: 198.51.100.1, 203.0.113.7, 10.1.2.3\r\n");
        assertEquals("203.0.113.7", backend.lastRequest().header("X-Client"));
        get(behindProxy, "Host: a\r\n");
        assertEquals("127.0.0.1", backend.lastRequest().header("X-Client"), "without the field, the proxy itself");
    }

    @Test
    void aTrustedProxyThatStatesNoProtoHostOrPortGetsSeraisOwn() throws IOException {
        get(behindProxy, "Host: serai.internal\r\nX-Forwarded-For: 203.0.113.7\r\n");
        RecordedRequest seen = backend.lastRequest();
        assertEquals("http", seen.header("X-Forwarded-Proto"));
        assertEquals("serai.internal", seen.header("X-Forwarded-Host"));
        assertEquals("80", seen.header("X-Forwarded-Port"));
        assertEquals("for=127.0.0.1;proto=http;host=serai.internal", seen.header("Forwarded"));
    }

    @Test
    void rateLimitsKeepClientsBehindATrustedProxyApart() throws IOException {
        assertEquals(200, limited("203.0.113.10").status());
        assertEquals(429, limited("203.0.113.10").status());
        assertEquals(200, limited("203.0.113.11").status(), "another client behind the same proxy has its own limit");
    }

    @Test
    void stickyBalancingHashesTheClientBehindATrustedProxyNotTheProxy() throws IOException {
        Set<String> members = new HashSet<>();
        for (int i = 1; i <= 16; i++) {
            String client = "203.0.113." + i;
            String first = sticky(client);
            assertEquals(first, sticky(client), client + " stays on its member");
            members.add(first);
        }
        assertEquals(Set.of("forwarded-to", "other"), members, "sixteen clients behind one proxy spread over both");
    }

    @Test
    void anAddressCheckWithoutItsOwnListUsesTheProcessWideTrustedProxies() throws IOException {
        assertEquals(
                200,
                RawHttp.exchange(
                                behindProxy.port(),
                                "GET /checked/a HTTP/1.1\r\nHost: a\r\n" + "X-Forwarded-For: 203.0.113.7\r\n\r\n")
                        .status());
        assertEquals(
                403,
                RawHttp.exchange(
                                behindProxy.port(),
                                "GET /checked/a HTTP/1.1\r\nHost: a\r\n" + "X-Forwarded-For: 198.51.100.7\r\n\r\n")
                        .status());
    }

    @Test
    void theAccessLogNamesTheClientBehindATrustedProxy() throws IOException {
        get(behindProxy, "Host: a\r\nX-Forwarded-For: 203.0.113.77\r\nX-Request-Id: behind-proxy-1\r\n");
        assertEquals(
                "203.0.113.77",
                AccessLogLines.await(accessLog, "behind-proxy-1").get("client").asText());
    }

    @Test
    void aRouteThatAnswersItselfEchoesNoForwardingField() throws IOException {
        RawResponse r = RawHttp.exchange(
                behindProxy.port(),
                "GET /self HTTP/1.1\r\nHost: a\r\n"
                        + "X-Forwarded-For: 203.0.113.7\r\nX-Real-IP: 203.0.113.7\r\nX-Forwarded-Prefix: /p\r\n\r\n");
        assertEquals("answered by the route", r.bodyText());
        for (String name : List.of(
                "Forwarded",
                "X-Forwarded-For",
                "X-Forwarded-Proto",
                "X-Forwarded-Host",
                "X-Forwarded-Port",
                "X-Real-IP",
                "X-Forwarded-Prefix")) {
            assertFalse(r.hasHeader(name), name + " in a route's own answer: " + r.headers());
        }
    }

    // --- RFC 7239 and the settings --------------------------------------------------------------

    @Test
    void rfc7239ForwardedIsSeraisOwnForAnUntrustedPeerWithAnIpv6ForQuotedInBrackets() throws Exception {
        assumeTrue(hasIpv6Loopback(), "this machine has no IPv6 loopback");
        InetAddress v6 = InetAddress.getByName("::1");
        int port = RunningSerai.freePort();
        try (RunningSerai serai = RunningSerai.routes("""
                - route:
                    id: v6
                    from:
                      uri: "netty-http:http://[::1]:{{v6.port}}/?matchOnUriPrefix=true"
                      steps:
                        - to: "netty-http:http://{{backend.1}}"
                """)
                        .property("backend.1", backend.hostPort())
                        .property("v6.port", port)
                        .property("serai.forwarded.rfc7239", "true")
                        .start(dir);
                RawHttp client = RawHttp.connect(v6, port)) {
            client.send("GET /v6 HTTP/1.1\r\nHost: [::1]:" + port + "\r\nForwarded: for=203.0.113.7\r\n\r\n")
                    .read();
            RecordedRequest seen = backend.lastRequest();
            assertEquals(
                    "for=\"[::1]\";proto=http;host=\"[::1]:" + port + "\"",
                    seen.header("Forwarded"),
                    "the client's element is dropped; Serai's names the peer as RFC 7239 writes IPv6");
            assertEquals(String.valueOf(port), seen.header("X-Forwarded-Port"));
        }
    }

    @Test
    void aTrustedProxyEntryThatIsNotAnAddressFailsTheStartNamingTheSetting() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ForwardingSettings.from(
                        key -> key.equals("serai.trusted-proxies") ? "10.0.0.0/8, lb.internal" : null));
        assertEquals(
                "serai.trusted-proxies: \"lb.internal\" is not an IP address or CIDR block (expected e.g."
                        + " 10.0.0.0/8, 192.168.1.7, 2001:db8::/32 or ::1)",
                e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> ForwardingSettings.from(key -> key.equals("serai.forwarded.rfc7239") ? "yes" : null));
        assertTrue(e.getMessage().contains("serai.forwarded.rfc7239=yes is invalid"), e.getMessage());
    }

    // --- helpers --------------------------------------------------------------------------------

    private static RawResponse get(RunningSerai serai, String fields) throws IOException {
        return RawHttp.exchange(serai.port(), "GET /a HTTP/1.1\r\n" + fields + "\r\n");
    }

    private static String sticky(String client) throws IOException {
        return RawHttp.exchange(
                        behindProxy.port(),
                        "GET /sticky/x HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: " + client + "\r\n\r\n")
                .header("X-Backend");
    }

    private static RawResponse limited(String client) throws IOException {
        return RawHttp.exchange(
                behindProxy.port(), "GET /limited/x HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: " + client + "\r\n\r\n");
    }

    /** The fields of {@code seen} whose name folds (case, '_' as '-') to {@code folded}, as "Name: value". */
    private static List<String> fields(RecordedRequest seen, String folded) {
        return seen.headers().stream()
                .filter(h ->
                        h.getKey().toLowerCase(Locale.ROOT).replace('_', '-').equals(folded))
                .map(h -> h.getKey() + ": " + h.getValue())
                .toList();
    }

    private static boolean hasIpv6Loopback() {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return probe.getLocalPort() > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
