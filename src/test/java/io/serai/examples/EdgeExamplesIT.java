package io.serai.examples;

import io.serai.support.RawHttp;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import io.serai.support.TlsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/client-certificates.camel.yaml and examples/proxy-protocol.camel.yaml started as their Run
 * lines say, with real TLS clients and raw sockets writing PROXY headers.
 */
@Timeout(90)
class EdgeExamplesIT {

    @TempDir
    Path tmp;

    @Test
    void clientCertificatesExampleLetsInOnlyTheAllowedClientsAndTellsTheBackendWhoTheyAre() throws Exception {
        TestCertificates serverCa = TestCertificates.authority("Example Server CA");
        TestCertificates clientCa = TestCertificates.authority("Example Client CA");
        Path[] pair = serverCa.issue("localhost", "127.0.0.1").write(tmp, "server");
        TestCertificates.Issued orders =
                clientCa.issue("orders", Duration.ofDays(-1), Duration.ofDays(30), "spiffe://example.org/orders");
        TestCertificates.Issued billing =
                clientCa.issue("billing", Duration.ofDays(-1), Duration.ofDays(30), "spiffe://example.org/billing");
        try (TestBackend upstream = TestBackend.start("upstream")) {
            int port = RunningSerai.freePort();
            try (SeraiProcess serai = SeraiProcess.builder()
                    .env("SERAI_ROUTES", "examples/client-certificates.camel.yaml")
                    .property("serai.port", port)
                    .property("tls.cert", pair[0])
                    .property("tls.key", pair[1])
                    .property("client.ca", clientCa.writeCa(tmp.resolve("clients-ca.pem")))
                    .property("allowed.clients", "spiffe://example.org/orders")
                    .property("upstream.url", upstream.url())
                    .start(tmp)) {
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100))
                        .ignoreExceptions()
                        .until(() -> {
                            assertTrue(serai.isAlive(), serai.output());
                            return send(port, serverCa, orders).startsWith("HTTP/1.1 200");
                        });
                String xfcc = upstream.lastRequest().header("X-Forwarded-Client-Cert");
                assertTrue(
                        xfcc.matches("Hash=[0-9a-f]{64};Subject=\"CN=orders\";URI=spiffe://example.org/orders"), xfcc);
                int before = upstream.requests().size();
                assertTrue(
                        send(port, serverCa, billing).startsWith("HTTP/1.1 403"), "a known CA, not an allowed client");
                assertThrows(IOException.class, () -> send(port, serverCa, null), "no certificate: no handshake");
                assertEquals(before, upstream.requests().size());
            }
        }
    }

    @Test
    void proxyProtocolExampleForwardsTheClientTheBalancerNamed() throws Exception {
        try (TestBackend upstream = TestBackend.start("upstream")) {
            int port = RunningSerai.freePort();
            try (SeraiProcess serai = SeraiProcess.builder()
                    .env("SERAI_ROUTES", "examples/proxy-protocol.camel.yaml")
                    .property("serai.port", port)
                    .property("serai.proxy-protocol.allowed-peers", "127.0.0.1")
                    .property("upstream.url", upstream.url())
                    .start(tmp)) {
                String request = "PROXY TCP4 203.0.113.7 10.0.0.1 51000 80\r\nGET /a HTTP/1.1\r\nHost: h\r\n\r\n";
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100))
                        .ignoreExceptions()
                        .until(() -> {
                            assertTrue(serai.isAlive(), serai.output());
                            return RawHttp.exchange(port, request).status() == 200;
                        });
                assertEquals("203.0.113.7", upstream.lastRequest().header("X-Forwarded-For"));
                int before = upstream.requests().size();
                try (RawHttp c = RawHttp.connect(port)) {
                    c.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
                    assertTrue(c.closedWithin(5000), "no PROXY header: closed");
                }
                assertEquals(before, upstream.requests().size());
            }
        }
    }

    private static String send(int port, TestCertificates serverCa, TestCertificates.Issued client) throws Exception {
        return TlsClient.send(
                        port,
                        "localhost",
                        "TLSv1.3",
                        serverCa.ca(),
                        client,
                        "GET /orders HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .text();
    }
}
