package io.serai.security.tls;

import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import io.serai.support.TlsClient;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real TLS handshakes against an https:// listener, with certificates made at test time. */
@Timeout(60)
class TlsTerminationTest {

    @TempDir
    static Path dir;

    static TestCertificates authority;
    static TestBackend backend;
    static RunningSerai serai;
    static Path[] main;
    static Path[] other;

    @BeforeAll
    static void start() throws Exception {
        authority = TestCertificates.authority("Serai Test CA");
        main = authority.issue("localhost", "127.0.0.1").write(dir, "main");
        other = authority.issue("api.example.test", "*.apps.example.test").write(dir, "other");
        backend = TestBackend.start("behind-tls");
        serai = RunningSerai.routes("""
                - route:
                    id: secure
                    from:
                      uri: "netty-http:https://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                      steps:
                        - to: "netty-http:http://{{backend.1}}"
                """)
                .property("backend.1", backend.hostPort())
                .property("serai.tls.cert", main[0])
                .property("serai.tls.key", main[1])
                .property("serai.tls.sni-certs", other[0] + ":" + other[1])
                .property("serai.tls.reload-interval", "200ms")
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void aClientThatTrustsTheCaGetsTheBackendsAnswerOverTls13() throws Exception {
        TlsClient.Answer a = get(null, "TLSv1.3");
        assertTrue(a.text().startsWith("HTTP/1.1 200"), a.text());
        assertEquals("TLSv1.3", a.protocol());
        assertEquals("https", backend.lastRequest().header("X-Forwarded-Proto"));
    }

    @Test
    void tls12WorksWithAModernSuiteAndOlderVersionsAreRefused() throws Exception {
        TlsClient.Answer a = get(null, "TLSv1.2");
        assertEquals("TLSv1.2", a.protocol());
        assertTrue(a.suite().contains("_GCM_") || a.suite().contains("CHACHA20"), a.suite());
        assertThrows(IOException.class, () -> get(null, "TLSv1.1"));
    }

    @Test
    void theCertificateIsChosenBySni() throws Exception {
        assertTrue(get("api.example.test", "TLSv1.3")
                .peer()
                .getSubjectX500Principal()
                .getName()
                .contains("api.example.test"));
        assertTrue(
                get("shop.apps.example.test", "TLSv1.3")
                        .peer()
                        .getSubjectX500Principal()
                        .getName()
                        .contains("api.example.test"),
                "a wildcard SAN matches");
        assertTrue(
                get(null, "TLSv1.3").peer().getSubjectX500Principal().getName().contains("localhost"),
                "no SNI: the default certificate");
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() throws Exception {
        TestCertificates stranger = TestCertificates.authority("Someone Else");
        assertThrows(SSLHandshakeException.class, () -> get(null, "TLSv1.3", stranger.ca()));
    }

    @Test
    void aRotatedCertificateIsServedToNewConnectionsWithoutARestart() throws Exception {
        X509Certificate before = get(null, "TLSv1.3").peer();
        Path[] rotated = authority.issue("localhost", "127.0.0.1").write(Files.createTempDirectory(dir, "r"), "main");
        Files.copy(rotated[1], main[1], StandardCopyOption.REPLACE_EXISTING);
        Files.copy(rotated[0], main[0], StandardCopyOption.REPLACE_EXISTING);
        Waits.upTo(Waits.PROMPTLY)
                .pollInterval(Duration.ofMillis(100))
                .alias("the new certificate is served")
                .until(() -> !get(null, "TLSv1.3").peer().getSerialNumber().equals(before.getSerialNumber()));
    }

    private static TlsClient.Answer get(String sni, String protocol) throws Exception {
        return TlsClient.get(serai.port(), sni, protocol, authority.ca());
    }

    private static TlsClient.Answer get(String sni, String protocol, X509Certificate trusted) throws Exception {
        return TlsClient.get(serai.port(), sni, protocol, trusted);
    }
}
