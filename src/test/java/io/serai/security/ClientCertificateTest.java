package io.serai.security;

import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import io.serai.support.TlsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client certificates at the edge, with real TLS clients and certificates made at test time: https://
 * listeners that require or request one against a CA bundle, what the backend receives in
 * X-Forwarded-Client-Cert, and ClientCertificateCheck.
 */
@Timeout(90)
class ClientCertificateTest {

    private static final String ROUTES = """
            - beans:
                - name: ordersOnly
                  type: "#class:io.serai.security.ClientCertificateCheck"
                  properties:
                    sans: "spiffe://example.org/orders"
                - name: bySubject
                  type: "#class:io.serai.security.ClientCertificateCheck"
                  properties:
                    subjects: "cn=Billing, o=Example; CN=nobody"
                - name: byFingerprint
                  type: "#class:io.serai.security.ClientCertificateCheck"
                  properties:
                    fingerprints: "{{billing.fingerprint}}"
                - name: anyVerified
                  type: "#class:io.serai.security.ClientCertificateCheck"
            - route:
                id: required
                from:
                  uri: "netty-http:https://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: optional
                from:
                  uri: "netty-http:https://127.0.0.1:{{optional.port}}/?matchOnUriPrefix=true&tlsClientAuth=optional"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: orders-only
                from:
                  uri: "netty-http:https://127.0.0.1:{{optional.port}}/orders?matchOnUriPrefix=true&tlsClientAuth=optional"
                  steps:
                    - process: {ref: ordersOnly}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: by-subject
                from:
                  uri: "netty-http:https://127.0.0.1:{{optional.port}}/subject?matchOnUriPrefix=true&tlsClientAuth=optional"
                  steps:
                    - process: {ref: bySubject}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: by-fingerprint
                from:
                  uri: "netty-http:https://127.0.0.1:{{optional.port}}/fingerprint?matchOnUriPrefix=true&tlsClientAuth=optional"
                  steps:
                    - process: {ref: byFingerprint}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: any-verified
                from:
                  uri: "netty-http:https://127.0.0.1:{{optional.port}}/any?matchOnUriPrefix=true&tlsClientAuth=optional"
                  steps:
                    - process: {ref: anyVerified}
                    - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    static TestCertificates serverCa;
    static TestCertificates clientCa;
    static TestCertificates.Issued orders;
    static TestCertificates.Issued billing;
    static Path clientCaFile;
    static TestBackend backend;
    static RunningSerai serai;
    static int optionalPort;

    @BeforeAll
    static void start() throws Exception {
        serverCa = TestCertificates.authority("Server CA");
        clientCa = TestCertificates.authority("Client CA");
        Path[] server = serverCa.issue("localhost", "127.0.0.1").write(dir, "server");
        orders = clientCa.issue(
                "orders", Duration.ofDays(-1), Duration.ofDays(30), "spiffe://example.org/orders", "orders.internal");
        billing = clientCa.issue("Billing", Duration.ofDays(-1), Duration.ofDays(30), "billing.internal");
        clientCaFile = clientCa.writeCa(dir.resolve("client-ca.pem"));
        backend = TestBackend.start("behind-mtls");
        optionalPort = RunningSerai.freePort();
        serai = RunningSerai.routes(ROUTES.replace("cn=Billing, o=Example", "cn=billing"))
                .property("backend.1", backend.hostPort())
                .property("optional.port", optionalPort)
                .property("billing.fingerprint", colons(sha256(billing)))
                .property("serai.tls.cert", server[0])
                .property("serai.tls.key", server[1])
                .property("serai.tls.client-ca", clientCaFile)
                .property("serai.tls.reload-interval", "200ms")
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void theBackendGetsTheVerifiedCertificateInXfccInEnvoysFormatNeverTheClientsOwn() throws Exception {
        TlsClient.Answer a = send(
                serai.port(),
                orders,
                "/a",
                "X-Forwarded-Client-Cert: Hash=forged;Subject=\"CN=admin\"\r\n"
                        + "x-forwarded-client-cert: By=spiffe://forged\r\n");
        assertTrue(a.text().startsWith("HTTP/1.1 200"), a.text());
        RecordedRequest seen = backend.lastRequest();
        assertEquals(
                "Hash=" + sha256(orders) + ";Subject=\"CN=orders\";URI=spiffe://example.org/orders;DNS=orders.internal",
                seen.header("X-Forwarded-Client-Cert"));
        assertEquals(
                1,
                seen.headers().stream()
                        .filter(h -> h.getKey().equalsIgnoreCase("X-Forwarded-Client-Cert"))
                        .count());
    }

    @Test
    void aListenerWithAClientCaRequiresACertificateFromItAndTheBackendGetsNothingOtherwise() throws Exception {
        int before = backend.requests().size();
        assertThrows(IOException.class, () -> send(serai.port(), null, "/a", ""), "no certificate");
        TestCertificates.Issued stranger = TestCertificates.authority("Other CA")
                .issue("orders", Duration.ofDays(-1), Duration.ofDays(30), "spiffe://example.org/orders");
        assertThrows(IOException.class, () -> send(serai.port(), stranger, "/a", ""), "another CA's certificate");
        TestCertificates.Issued expired =
                clientCa.issue("orders", Duration.ofDays(-10), Duration.ofDays(-1), "orders.internal");
        assertThrows(IOException.class, () -> send(serai.port(), expired, "/a", ""), "an expired certificate");
        assertEquals(before, backend.requests().size());
    }

    @Test
    void anOptionalListenerServesClientsWithoutACertificateAndRefusesABadOne() throws Exception {
        TlsClient.Answer a = send(optionalPort, null, "/a", "");
        assertTrue(a.text().startsWith("HTTP/1.1 200"), a.text());
        assertNull(backend.lastRequest().header("X-Forwarded-Client-Cert"));
        TestCertificates.Issued stranger = TestCertificates.selfSigned("orders.internal");
        assertThrows(IOException.class, () -> send(optionalPort, stranger, "/a", ""));
        assertTrue(send(optionalPort, billing, "/a", "").text().startsWith("HTTP/1.1 200"));
        assertTrue(backend.lastRequest().header("X-Forwarded-Client-Cert").startsWith("Hash=" + sha256(billing) + ";"));
    }

    @Test
    void theCheckRefusesARequestWithoutAVerifiedCertificateWith403() throws Exception {
        int before = backend.requests().size();
        TlsClient.Answer none =
                send(optionalPort, null, "/any/a", "X-Forwarded-Client-Cert: Hash=" + sha256(orders) + "\r\n");
        assertTrue(none.text().startsWith("HTTP/1.1 403"), none.text());
        assertTrue(none.text().endsWith("403 Forbidden: client certificate required\n"), none.text());
        assertEquals(before, backend.requests().size());
        assertTrue(send(optionalPort, billing, "/any/a", "").text().startsWith("HTTP/1.1 200"));
    }

    @Test
    void theCheckMatchesSansSubjectsAndFingerprints() throws Exception {
        assertTrue(send(optionalPort, orders, "/orders/1", "").text().startsWith("HTTP/1.1 200"), "URI SAN");
        TlsClient.Answer other = send(optionalPort, billing, "/orders/1", "");
        assertTrue(other.text().startsWith("HTTP/1.1 403"), other.text());
        assertTrue(other.text().endsWith("403 Forbidden: client certificate not allowed\n"), other.text());
        assertTrue(
                send(optionalPort, billing, "/subject/1", "").text().startsWith("HTTP/1.1 200"), "subject, any case");
        assertTrue(send(optionalPort, orders, "/subject/1", "").text().startsWith("HTTP/1.1 403"));
        assertTrue(send(optionalPort, billing, "/fingerprint/1", "").text().startsWith("HTTP/1.1 200"), "fingerprint");
        assertTrue(send(optionalPort, orders, "/fingerprint/1", "").text().startsWith("HTTP/1.1 403"));
    }

    @Test
    void aReplacedCaBundleAppliesToNewConnectionsWithoutARestart() throws Exception {
        Path caFile = Files.copy(clientCaFile, dir.resolve("rotating-ca.pem"));
        TestCertificates nextCa = TestCertificates.authority("Next Client CA");
        TestCertificates.Issued next =
                nextCa.issue("orders", Duration.ofDays(-1), Duration.ofDays(30), "orders.internal");
        Path[] server = serverCa.issue("localhost").write(Files.createTempDirectory(dir, "s"), "server");
        try (RunningSerai own = RunningSerai.proxyTo(backend)
                .property("serai.tls.cert", server[0])
                .property("serai.tls.key", server[1])
                .property("serai.tls.client-ca", caFile)
                .property("serai.tls.reload-interval", "100ms")
                .start(dir)) {
            // RunningSerai's proxy route is plain HTTP: an https one on its own port uses the settings
            int port = RunningSerai.freePort();
            own.context().addRoutes(new org.apache.camel.builder.RouteBuilder() {
                @Override
                public void configure() {
                    from("netty-http:https://127.0.0.1:" + port + "/?matchOnUriPrefix=true")
                            .to("netty-http:http://" + backend.hostPort());
                }
            });
            assertTrue(send(port, orders, "/a", "").text().startsWith("HTTP/1.1 200"));
            assertThrows(IOException.class, () -> send(port, next, "/a", ""));
            nextCa.writeCa(caFile);
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(() -> send(port, next, "/a", "").text().startsWith("HTTP/1.1 200"));
            assertThrows(IOException.class, () -> send(port, orders, "/a", ""), "the old CA is no longer trusted");
        }
    }

    @Test
    void clientAuthWithoutACaOrOnAPlainListenerStopsTheStartNamingIt() throws Exception {
        Path[] server = serverCa.issue("localhost").write(Files.createTempDirectory(dir, "p"), "server");
        Exception noCa = assertThrows(
                Exception.class,
                () -> RunningSerai.routes("""
                - route:
                    from:
                      uri: "netty-http:https://127.0.0.1:{{serai.port}}/?tlsClientAuth=required"
                      steps:
                        - to: "netty-http:http://{{backend.1}}"
                """)
                        .property("backend.1", backend.hostPort())
                        .property("serai.tls.cert", server[0])
                        .property("serai.tls.key", server[1])
                        .start(dir));
        assertTrue(
                rootMessage(noCa)
                        .startsWith("serai.tls.client-auth=required needs the CA bundle that client"
                                + " certificates must chain to: serai.tls.client-ca or the listener's tlsClientCa"),
                rootMessage(noCa));
        Exception plain = assertThrows(
                Exception.class,
                () -> RunningSerai.routes("""
                - route:
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/?tlsClientAuth=optional&tlsClientCa=/ca.pem"
                      steps:
                        - to: "netty-http:http://{{backend.1}}"
                """)
                        .property("backend.1", backend.hostPort())
                        .start(dir));
        assertTrue(rootMessage(plain).contains("are for https:// listeners"), rootMessage(plain));
        Exception badMode = assertThrows(
                Exception.class,
                () -> RunningSerai.proxyTo(backend)
                        .property("serai.tls.client-auth", "sometimes")
                        .start(dir));
        assertEquals(
                "serai.tls.client-auth=sometimes is invalid: expected none, optional or required",
                rootMessage(badMode));
    }

    private static TlsClient.Answer send(int port, TestCertificates.Issued certificate, String path, String headers)
            throws Exception {
        return TlsClient.send(
                port,
                "localhost",
                "TLSv1.3",
                serverCa.ca(),
                certificate,
                "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "Connection: close\r\n\r\n");
    }

    private static String sha256(TestCertificates.Issued issued) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(issued.certificate().getEncoded()));
    }

    private static String colons(String hex) {
        return String.join(":", hex.toUpperCase().split("(?<=\\G..)"));
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
