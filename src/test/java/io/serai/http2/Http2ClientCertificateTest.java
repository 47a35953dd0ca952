package io.serai.http2;

import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A client certificate verified in the TLS handshake of an h2 connection reaches each of its streams. */
@Timeout(60)
class Http2ClientCertificateTest {

    private static final String ROUTES = """
            - beans:
                - name: anyVerified
                  type: "#class:io.serai.security.ClientCertificateCheck"
            - route:
                id: mtls
                from:
                  uri: "netty-http:https://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true&tlsClientAuth=optional"
                  steps:
                    - process: {ref: anyVerified}
                    - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;
    static Path serverCa;
    static Path[] client;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates servers = TestCertificates.authority("Server CA");
        TestCertificates clients = TestCertificates.authority("Client CA");
        Path[] server = servers.issue("localhost", "127.0.0.1").write(dir, "server");
        serverCa = servers.writeCa(dir.resolve("server-ca.pem"));
        client = clients.issue("orders", Duration.ofDays(-1), Duration.ofDays(30), "orders.internal")
                .write(dir, "client");
        backend = TestBackend.start("behind-h2-mtls");
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("serai.tls.cert", server[0])
                .property("serai.tls.key", server[1])
                .property("serai.tls.client-ca", clients.writeCa(dir.resolve("client-ca.pem")))
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void aVerifiedCertificateIsSeenOnTheStream() throws Exception {
        Curl answer = Curl.run(
                "--http2",
                "--cacert",
                serverCa.toString(),
                "--cert",
                client[0].toString(),
                "--key",
                client[1].toString(),
                "https://127.0.0.1:" + serai.port() + "/with-cert");
        assertEquals("2", answer.version());
        assertEquals(200, answer.status(), answer.body());
        assertNotNull(backend.lastRequest().header("X-Forwarded-Client-Cert"));
    }

    @Test
    void noCertificateIsRefusedAsOnHttp11() throws Exception {
        String url = "https://127.0.0.1:" + serai.port() + "/without-cert";
        Curl h2 = Curl.run("--http2", "--cacert", serverCa.toString(), url);
        Curl h1 = Curl.run("--http1.1", "--cacert", serverCa.toString(), url);
        assertEquals("2", h2.version());
        assertEquals(h1.status(), h2.status());
        assertNotEquals(200, h2.status());
    }
}
