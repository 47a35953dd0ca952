package io.serai.examples;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/upstream-tls.camel.yaml started as its Run line says (a copy in a temporary directory):
 * SERAI_ROUTES=... java -Dupstream.url=https://... -Dupstream.ca=... -jar target/serai.jar
 */
@Timeout(90)
class UpstreamTlsExampleIT {

    @TempDir
    Path tmp;

    @Test
    void aBackendIssuedByTheCaBundleAnswersOverTlsWithItsHostNameAsSni() throws Exception {
        TestCertificates ca = TestCertificates.authority("Backend CA");
        Path caFile = ca.writeCa(tmp.resolve("backend-ca.pem"));
        try (TestBackend backend = TestBackend.startTls("tls-backend", ca.issue("localhost"), null)) {
            int port = RunningSerai.freePort();
            try (SeraiProcess serai = example()
                    .property("serai.port", port)
                    .property("upstream.url", backend.url())
                    .property("upstream.ca", caFile)
                    .start(tmp)) {
                serai.awaitStatus("http://127.0.0.1:" + port + "/ready", 200, Duration.ofSeconds(20));
                RawResponse r = RawHttp.exchange(port, "GET /orders?id=7 HTTP/1.1\r\nHost: shop\r\n\r\n");
                assertEquals(200, r.status(), r.bodyText());
                assertEquals("/orders?id=7", backend.lastRequest().target());
                assertEquals("localhost", backend.serverNames().get(0));
            }
        }
    }

    @Test
    void aBackendTheBundleDoesNotTrustIs502WithOneLogLineAndItsOwnErrorKind() throws Exception {
        TestCertificates stranger = TestCertificates.authority("Someone Else");
        Path caFile = TestCertificates.authority("Backend CA").writeCa(tmp.resolve("backend-ca.pem"));
        try (TestBackend backend = TestBackend.startTls("tls-backend", stranger.issue("localhost"), null)) {
            int port = RunningSerai.freePort();
            SeraiProcess.Builder builder = example()
                    .property("serai.port", port)
                    .property("upstream.url", backend.url())
                    .property("upstream.ca", caFile);
            int admin = builder.adminPort();
            try (SeraiProcess serai = builder.start(tmp)) {
                serai.awaitStatus("http://127.0.0.1:" + port + "/", 502, Duration.ofSeconds(20));
                RawResponse r = RawHttp.exchange(port, "GET /x HTTP/1.1\r\nHost: shop\r\n\r\n");
                assertEquals(502, r.status());
                assertTrue(
                        r.bodyText()
                                .contains("TLS handshake with the backend failed: its certificate is not" + " trusted"),
                        r.bodyText());
                assertEquals(0, backend.requests().size());
                String log = serai.output();
                String reason = "TLS handshake with " + backend.url() + " failed: its certificate is not trusted";
                assertTrue(
                        log.lines().anyMatch(l -> l.contains("WARN") && l.contains(reason)),
                        "the log names the " + "backend: " + log);
                assertFalse(log.contains("\tat "), "no stack trace: " + log);
                String metrics = RawHttp.exchange(admin, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n")
                        .bodyText();
                assertTrue(
                        metrics.contains("serai_upstream_errors_total{backend=\"" + backend.url()
                                + "\",kind=\"tls_handshake\",route=\"upstream-tls\"}"),
                        metrics);
            }
        }
    }

    @Test
    void aCaFileThatCannotBeReadStopsStartWithOneLineNamingTheOptionAndTheFile() throws Exception {
        Path missing = tmp.resolve("no-such-ca.pem");
        try (SeraiProcess serai = example()
                .property("serai.port", RunningSerai.freePort())
                .property("upstream.url", "https://localhost:8443")
                .property("upstream.ca", missing)
                .start(tmp)) {
            assertEquals(2, serai.awaitExit(Duration.ofSeconds(30)));
            // Camel logs its own account of the refused route first; Serai's line is the one to read.
            assertTrue(
                    serai.output()
                            .contains("serai: route upstream-tls (upstream-tls.camel.yaml:14): netty-http option"
                                    + " tlsCa: " + missing + " cannot be read"),
                    serai.output());
        }
    }

    @Test
    void aGlobalCaFileThatCannotBeReadStopsStartWithOneLineNamingTheSetting() throws Exception {
        Path missing = tmp.resolve("no-such-ca.pem");
        try (SeraiProcess serai = example()
                .property("serai.port", RunningSerai.freePort())
                .property("upstream.url", "https://localhost:8443")
                .property("upstream.ca", missing)
                .property("serai.upstream.tls.ca", missing)
                .start(tmp)) {
            assertEquals(2, serai.awaitExit(Duration.ofSeconds(30)));
            assertTrue(
                    serai.output().contains("serai: serai.upstream.tls.ca: " + missing + " cannot be read"),
                    serai.output());
            assertFalse(serai.output().contains("\tat "), "no stack trace: " + serai.output());
        }
    }

    private SeraiProcess.Builder example() throws Exception {
        Path routes = Files.createDirectories(tmp.resolve("routes"));
        Files.copy(
                Path.of("examples/upstream-tls.camel.yaml"),
                routes.resolve("upstream-tls.camel.yaml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return SeraiProcess.builder().env("SERAI_ROUTES", routes.toString());
    }
}
