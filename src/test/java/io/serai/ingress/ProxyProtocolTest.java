package io.serai.ingress;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Listeners with proxyProtocol=true, as an L4 balancer talks to them: raw sockets that write a PROXY
 * protocol v1 (text) or v2 (binary) header before the HTTP request, and what the backend received.
 */
@Timeout(60)
class ProxyProtocolTest {

    private static final String ROUTES = """
            - beans:
                - name: documentationNetOnly
                  type: "#class:io.serai.security.ClientAddressCheck"
                  properties:
                    allow: "203.0.113.0/24"
            - route:
                id: behind-balancer
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true&proxyProtocol=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: checked
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/checked?matchOnUriPrefix=true&proxyProtocol=true"
                  steps:
                    - process: {ref: documentationNetOnly}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: tls-behind-balancer
                from:
                  uri: "netty-http:https://127.0.0.1:{{tls.port}}/?matchOnUriPrefix=true&proxyProtocol=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            """;

    private static final String GET = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;
    static TestCertificates authority;
    static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("behind-proxy-protocol");
        authority = TestCertificates.authority("Proxy Protocol CA");
        Path[] pair = authority.issue("localhost", "127.0.0.1").write(dir, "server");
        tlsPort = RunningSerai.freePort();
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("tls.port", tlsPort)
                .property("serai.tls.cert", pair[0])
                .property("serai.tls.key", pair[1])
                .property("serai.proxy-protocol.allowed-peers", "127.0.0.0/8, ::1")
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void aV1HeadersSourceIsTheClientTheBackendSeesInXForwardedFor() throws IOException {
        RawResponse r =
                exchange(("PROXY TCP4 203.0.113.7 10.0.0.1 56324 80\r\n" + GET).getBytes(StandardCharsets.US_ASCII));
        assertEquals(200, r.status());
        assertEquals("203.0.113.7", backend.lastRequest().header("X-Forwarded-For"));
    }

    @Test
    void aV2HeadersSourceIsTheClientTheBackendSeesForIpv4AndIpv6() throws IOException {
        assertEquals(
                200, exchange(join(v2Proxy4("198.51.100.23", "10.0.0.1"), GET)).status());
        assertEquals("198.51.100.23", backend.lastRequest().header("X-Forwarded-For"));
        assertEquals(
                200, exchange(join(v2Proxy6("2001:db8::7", "2001:db8::1"), GET)).status());
        assertEquals("2001:db8:0:0:0:0:0:7", backend.lastRequest().header("X-Forwarded-For"));
    }

    @Test
    void everyRequestOnTheConnectionKeepsTheHeadersSource() throws IOException {
        try (RawHttp c = RawHttp.connect(serai.port())) {
            c.send(("PROXY TCP4 203.0.113.9 10.0.0.1 1000 80\r\n" + GET).getBytes(StandardCharsets.US_ASCII));
            assertEquals(200, c.read().status());
            assertEquals(200, c.send(GET).read().status());
        }
        assertEquals("203.0.113.9", backend.lastRequest().header("X-Forwarded-For"));
    }

    @Test
    void aV2LocalCommandFromTheBalancersHealthCheckLeavesTheTcpPeer() throws IOException {
        assertEquals(200, exchange(join(v2Local(), GET)).status());
        assertEquals("127.0.0.1", backend.lastRequest().header("X-Forwarded-For"));
        assertEquals(
                200,
                exchange(("PROXY UNKNOWN\r\n" + GET).getBytes(StandardCharsets.US_ASCII))
                        .status());
        assertEquals("127.0.0.1", backend.lastRequest().header("X-Forwarded-For"));
    }

    @Test
    void aConnectionWithoutAValidHeaderIsClosedAndNothingReachesTheBackend() throws IOException {
        int before = backend.requests().size();
        for (String start : new String[] {
            GET, "PROXY TCP4 203.0.113.7 nonsense\r\n" + GET, "PROXY TCP4 999.0.113.7 10.0.0.1 1 2\r\n" + GET
        }) {
            try (RawHttp c = RawHttp.connect(serai.port())) {
                c.send(start);
                assertTrue(c.closedWithin(5000), "closed without an answer: " + start);
            }
        }
        assertEquals(before, backend.requests().size());
    }

    @Test
    void accessChecksSeeTheHeadersSourceAsTheClient() throws IOException {
        assertEquals(
                200,
                exchange(("PROXY TCP4 203.0.113.7 10.0.0.1 1 80\r\n" + "GET /checked/a HTTP/1.1\r\nHost: h\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII))
                        .status());
        assertEquals(
                403,
                exchange(("PROXY TCP4 198.51.100.7 10.0.0.1 1 80\r\n" + "GET /checked/a HTTP/1.1\r\nHost: h\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII))
                        .status());
    }

    @Test
    void onATlsListenerTheHeaderComesBeforeTheHandshake() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", authority.ca());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), tlsPort)) {
            plain.setSoTimeout(5000);
            plain.getOutputStream().write(v2Proxy4("192.0.2.44", "10.0.0.1"));
            try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "localhost", tlsPort, true)) {
                tls.getOutputStream()
                        .write(("GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(tls.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            }
        }
        assertEquals("192.0.2.44", backend.lastRequest().header("X-Forwarded-For"));
        assertEquals("https", backend.lastRequest().header("X-Forwarded-Proto"));
    }

    @Test
    void aPeerThatIsNotAnAllowedBalancerIsClosedBeforeItsHeaderIsRead() throws Exception {
        try (RunningSerai strict = RunningSerai.routes("""
                - route:
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true&proxyProtocol=true"
                      steps:
                        - to: "netty-http:http://{{backend.1}}"
                """)
                .property("backend.1", backend.hostPort())
                .property("serai.proxy-protocol.allowed-peers", "10.0.0.2, 192.168.0.0/16")
                .start(dir)) {
            int before = backend.requests().size();
            try (RawHttp c = RawHttp.connect(strict.port())) {
                assertTrue(c.closedWithin(5000), "closed at once, from 127.0.0.1");
            }
            assertThrows(
                    IOException.class,
                    () -> RawHttp.exchange(strict.port(), "PROXY TCP4 203.0.113.7 10.0.0.1 1 80\r\n" + GET));
            assertEquals(before, backend.requests().size());
        }
    }

    @Test
    void theOptionOnABackendOrABadAllowListStopsTheStartNamingIt() {
        Exception onBackend = assertThrows(
                Exception.class,
                () -> RunningSerai.routes("""
                - route:
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/"
                      steps:
                        - to: "netty-http:http://{{backend.1}}?proxyProtocol=true"
                """)
                        .property("backend.1", backend.hostPort())
                        .start(dir));
        assertTrue(
                rootMessage(onBackend).contains("are for listeners (from:), not backends (to:)"),
                rootMessage(onBackend));
        Exception badList = assertThrows(
                Exception.class,
                () -> RunningSerai.proxyTo(backend)
                        .property("serai.proxy-protocol.allowed-peers", "balancer.internal")
                        .start(dir));
        assertTrue(
                rootMessage(badList).startsWith("serai.proxy-protocol.allowed-peers: \"balancer.internal\" is not"),
                rootMessage(badList));
    }

    @Test
    void routesOnOneAddressThatDisagreeAboutTheHeaderStopTheStartNamingTheAddress() {
        Exception mixed = assertThrows(
                Exception.class,
                () -> RunningSerai.routes("""
                - route:
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/a?proxyProtocol=true"
                      steps:
                        - to: "netty-http:http://{{backend.1}}"
                - route:
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/b"
                      steps:
                        - to: "netty-http:http://{{backend.1}}"
                """)
                        .property("backend.1", backend.hostPort())
                        .start(dir));
        assertTrue(
                rootMessage(mixed).contains("apply to a listening address, and another route on 127.0.0.1:"),
                rootMessage(mixed));
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    private static RawResponse exchange(byte[] bytes) throws IOException {
        try (RawHttp c = RawHttp.connect(serai.port())) {
            return c.send(bytes).read();
        }
    }

    private static byte[] join(byte[] header, String request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        out.writeBytes(request.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** PROXY v2, command PROXY, TCP over IPv4. */
    static byte[] v2Proxy4(String source, String destination) throws IOException {
        return v2(
                0x21,
                0x11,
                InetAddress.getByName(source).getAddress(),
                InetAddress.getByName(destination).getAddress());
    }

    /** PROXY v2, command PROXY, TCP over IPv6. */
    static byte[] v2Proxy6(String source, String destination) throws IOException {
        return v2(
                0x21,
                0x21,
                InetAddress.getByName(source).getAddress(),
                InetAddress.getByName(destination).getAddress());
    }

    /** PROXY v2, command LOCAL: no addresses. */
    static byte[] v2Local() {
        return ByteBuffer.allocate(16)
                .put(V2_SIGNATURE)
                .put((byte) 0x20)
                .put((byte) 0x00)
                .putShort((short) 0)
                .array();
    }

    private static byte[] v2(int versionCommand, int family, byte[] source, byte[] destination) {
        int length = source.length * 2 + 4;
        return ByteBuffer.allocate(16 + length)
                .put(V2_SIGNATURE)
                .put((byte) versionCommand)
                .put((byte) family)
                .putShort((short) length)
                .put(source)
                .put(destination)
                .putShort((short) 50000)
                .putShort((short) 443)
                .array();
    }
}
