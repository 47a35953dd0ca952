package io.serai.security;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.StartFailure;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Allow and deny by client address over real connections from 127.0.0.1, with and without trusted proxies. */
@Timeout(30)
class ClientAddressCheckTest {

    private static final String ROUTES = """
            - beans:
                - name: localOnly
                  type: "#class:io.serai.security.ClientAddressCheck"
                  properties:
                    allow: "127.0.0.0/8, ::1"
                - name: elsewhereOnly
                  type: "#class:io.serai.security.ClientAddressCheck"
                  properties:
                    allow: "10.0.0.0/8, 192.168.0.0/16"
                - name: allButThisHost
                  type: "#class:io.serai.security.ClientAddressCheck"
                  properties:
                    allow: "127.0.0.0/8"
                    deny: "127.0.0.1"
                - name: spoofable
                  type: "#class:io.serai.security.ClientAddressCheck"
                  properties:
                    allow: "203.0.113.0/24"
                - name: behindProxies
                  type: "#class:io.serai.security.ClientAddressCheck"
                  properties:
                    allow: "203.0.113.0/24, 2001:db8::/32"
                    deny: "203.0.113.66"
                    trustedProxies: "127.0.0.1, 10.0.0.0/8"
            - route:
                id: local
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/local?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: localOnly}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: elsewhere
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/elsewhere?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: elsewhereOnly}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: deny-wins
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/deny?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: allButThisHost}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: spoofable
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/spoof?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: spoofable}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: behind
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/behind?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: behindProxies}
                    - setHeader:
                        name: X-Client
                        simple: "${exchangeProperty.seraiClientAddress}"
                    - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("addressed");
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void aPeerInsideTheAllowedBlockReachesTheBackend() throws IOException {
        assertEquals(200, get("/local/a", "").status());
        assertEquals("/a", backend.lastRequest().target());
    }

    @Test
    void aPeerOutsideTheAllowedBlocksGets403AndTheBackendNothing() throws IOException {
        int before = backend.requests().size();
        RawResponse r = get("/elsewhere/a", "");
        assertEquals(403, r.status());
        assertEquals("403 Forbidden: client address not allowed\n", r.bodyText());
        assertEquals(before, backend.requests().size());
    }

    @Test
    void denyWinsOverAllow() throws IOException {
        int before = backend.requests().size();
        assertEquals(403, get("/deny/a", "").status());
        assertEquals(before, backend.requests().size());
    }

    @Test
    void anAllowedAddressInXForwardedForFromAnUntrustedPeerDoesNotGetIn() throws IOException {
        int before = backend.requests().size();
        assertEquals(403, get("/spoof/a", "X-Forwarded-For: 203.0.113.7\r\n").status());
        assertEquals(
                403,
                get("/spoof/a", "X-Forwarded-For: 127.0.0.1, 203.0.113.7\r\n").status());
        assertEquals(before, backend.requests().size());
    }

    @Test
    void fromATrustedProxyTheForwardedClientIsChecked() throws IOException {
        assertEquals(200, get("/behind/a", "X-Forwarded-For: 203.0.113.7\r\n").status());
        assertEquals(
                "127.0.0.1",
                backend.lastRequest().header("X-Client"),
                "the check's own trustedProxies decide its verdict only: the exchange's client address follows"
                        + " serai.trusted-proxies, which trusts nobody here");
        assertEquals(
                "127.0.0.1", backend.lastRequest().header("X-Forwarded-For"), "and so does what the backend receives");
        int before = backend.requests().size();
        assertEquals(403, get("/behind/a", "X-Forwarded-For: 198.51.100.1\r\n").status());
        assertEquals(403, get("/behind/a", "").status(), "without the header the client is the proxy itself");
        assertEquals(403, get("/behind/a", "X-Forwarded-For: 203.0.113.66\r\n").status(), "deny applies to it too");
        assertEquals(before, backend.requests().size());
    }

    @Test
    void aChainIsWalkedFromTheRightOverTrustedHopsOnly() throws IOException {
        assertEquals(
                200,
                get("/behind/a", "X-Forwarded-For: 198.51.100.1, 203.0.113.7, 10.1.2.3\r\n")
                        .status());
        assertEquals(
                200,
                get("/behind/a", "X-Forwarded-For: 198.51.100.1\r\nX-Forwarded-For: 203.0.113.8, 10.0.0.9\r\n")
                        .status());
        int before = backend.requests().size();
        assertEquals(
                403,
                get("/behind/a", "X-Forwarded-For: 203.0.113.7, 198.51.100.1, 10.1.2.3\r\n")
                        .status(),
                "an allowed address left of the real client is the client's own claim");
        assertEquals(
                403,
                get("/behind/a", "X-Forwarded-For: 203.0.113.7, bogus\r\n").status(),
                "a malformed hop ends the walk at the trusted proxy");
        assertEquals(before, backend.requests().size());
    }

    @Test
    void ipv6ClientsBehindATrustedProxy() throws IOException {
        assertEquals(200, get("/behind/a", "X-Forwarded-For: 2001:db8::7\r\n").status());
        assertEquals(
                200, get("/behind/a", "X-Forwarded-For: [2001:db8::8]:443\r\n").status());
        assertEquals(403, get("/behind/a", "X-Forwarded-For: 2001:db9::7\r\n").status());
    }

    @Test
    void anInvalidBlockFailsTheStartNamingTheSettingAndTheValue() {
        String messages = StartFailure.messages(ClientAddressCheck.class, "allow: \"10.0.0.0/33\"", dir);
        assertTrue(
                messages.contains("client address check allow: \"10.0.0.0/33\" has an invalid prefix length"
                        + " (expected /0 to /32 for an IPv4 address)"),
                messages);
        messages = StartFailure.messages(ClientAddressCheck.class, "deny: \"2001:db8::/129\"", dir);
        assertTrue(
                messages.contains("client address check deny: \"2001:db8::/129\" has an invalid prefix length"),
                messages);
        messages = StartFailure.messages(
                ClientAddressCheck.class, "trustedProxies: \"lb.internal\"\n        allow: \"10.0.0.0/8\"", dir);
        assertTrue(
                messages.contains(
                        "client address check trustedProxies: \"lb.internal\" is not an IP address or" + " CIDR block"),
                messages);
    }

    @Test
    void aCheckWithNeitherAllowNorDenyFailsTheStart() {
        String messages = StartFailure.messages(ClientAddressCheck.class, "trustedProxies: \"10.0.0.0/8\"", dir);
        assertTrue(messages.contains("client address check: set allow or deny"), messages);
    }

    private static RawResponse get(String target, String headers) throws IOException {
        return RawHttp.exchange(serai.port(), "GET " + target + " HTTP/1.1\r\nHost: a\r\n" + headers + "\r\n");
    }
}
