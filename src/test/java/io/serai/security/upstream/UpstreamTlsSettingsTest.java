package io.serai.security.upstream;

import io.serai.health.BackendStatus;
import io.serai.proxy.ProxyHttpComponent;
import io.serai.reload.RouteStartFailure;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The serai.upstream.tls.* settings and the endpoint options over them: global CA bundle and client
 * certificate, a route's own CA, files rotated on disk, and every bad file or option refused at start
 * with the setting and the file named.
 */
@Timeout(60)
class UpstreamTlsSettingsTest {

    @TempDir
    static Path dir;

    static TestCertificates authority;
    static TestCertificates clientAuthority;
    static TestCertificates stranger;
    static Path ca;
    static Path strangerCa;
    static Path[] client;
    static TestBackend mutual;

    @BeforeAll
    static void start() throws Exception {
        authority = TestCertificates.authority("Backend CA");
        clientAuthority = TestCertificates.authority("Client CA");
        stranger = TestCertificates.authority("Someone Else");
        ca = authority.writeCa(dir.resolve("ca.pem"));
        strangerCa = stranger.writeCa(dir.resolve("stranger-ca.pem"));
        client = clientAuthority.issue("serai-client").write(dir, "client");
        mutual = TestBackend.startTls("mutual", authority.issue("localhost"), clientAuthority.ca());
    }

    @AfterAll
    static void stop() throws IOException {
        mutual.close();
    }

    @Test
    void theGlobalCaAndClientCertificateServeEveryHttpsBackendAndARoutesOwnCaReplacesTheGlobalOne() throws Exception {
        try (RunningSerai serai = RunningSerai.routes(
                        route("global", "{{mutual}}") + route("own-ca", "{{mutual}}?tlsCa={{stranger.ca}}"))
                .property("mutual", mutual.url())
                .property("stranger.ca", strangerCa)
                .property("serai.upstream.tls.ca", ca)
                .property("serai.upstream.tls.client-cert", client[0])
                .property("serai.upstream.tls.client-key", client[1])
                .start(dir)) {
            assertEquals(200, get(serai, "/global/x").status());
            assertEquals(
                    "CN=serai-client",
                    mutual.clientCertificates().get(mutual.clientCertificates().size() - 1));
            RawResponse own = get(serai, "/own-ca/x");
            assertEquals(502, own.status());
            assertTrue(own.bodyText().contains("not trusted"), own.bodyText());
        }
    }

    @Test
    void failedHandshakesCountForPassiveEjectionAsFailedConnectsDo() throws Exception {
        try (RunningSerai serai = RunningSerai.routes(route("untrusted", "{{mutual}}?tlsCa={{stranger.ca}}"))
                .property("mutual", mutual.url())
                .property("stranger.ca", strangerCa)
                .property("serai.health.passive.consecutive-failures", 2)
                .start(dir)) {
            assertEquals(502, get(serai, "/untrusted/x").status());
            assertEquals(502, get(serai, "/untrusted/x").status());
            BackendStatus status = ((ProxyHttpComponent) serai.context().getComponent("netty-http"))
                    .backendHealth().statuses().stream()
                            .filter(s -> s.backend().equals(mutual.url()))
                            .findFirst()
                            .orElseThrow();
            assertTrue(status.ejected() && !status.available(), status.toString());
        }
    }

    @Test
    void aBackendThatNeverAnswersTheHandshakeIs502WithinTheConnectTimeout() throws Exception {
        // Connections are accepted by the kernel (backlog) and never read.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                RunningSerai serai = RunningSerai.routes(route("silent", "https://localhost:{{silent.port}}"))
                        .property("silent.port", silent.getLocalPort())
                        .property("serai.upstream.connect-timeout", "300ms")
                        .start(dir)) {
            long started = System.nanoTime();
            RawResponse r = get(serai, "/silent/x");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(502, r.status());
            assertTrue(r.bodyText().contains("failed: the handshake did not complete in time"), r.bodyText());
            assertTrue(millis < 5_000, millis + " ms");
        }
    }

    @Test
    void aPlainHttpBackendBehindAnHttpsUriIs502SayingSo() throws Exception {
        try (TestBackend plain = TestBackend.start("plain");
                RunningSerai serai = RunningSerai.routes(route("plain", "https://localhost:{{plain.port}}"))
                        .property("plain.port", plain.port())
                        .start(dir)) {
            RawResponse r = get(serai, "/plain/x");
            assertEquals(502, r.status());
            // The test backend closes a connection whose first bytes are not HTTP; others answer 400 in plain text.
            assertTrue(
                    r.bodyText()
                            .contains("TLS handshake with the backend failed: it closed the connection during"
                                    + " the handshake"),
                    r.bodyText());
        }
    }

    @Test
    void aCaBundleReplacedOnDiskIsUsedByNewConnectionsWithoutARestart() throws Exception {
        Path rotating = Files.copy(strangerCa, dir.resolve("rotating-ca.pem"), StandardCopyOption.REPLACE_EXISTING);
        try (RunningSerai serai = RunningSerai.routes(route("rotating", "{{mutual}}?tlsCa={{rotating}}"))
                .property("mutual", mutual.url())
                .property("rotating", rotating)
                .property("serai.upstream.tls.client-cert", client[0])
                .property("serai.upstream.tls.client-key", client[1])
                .property("serai.tls.reload-interval", "100ms")
                .start(dir)) {
            assertEquals(502, get(serai, "/rotating/x").status());
            // A bundle of two: the new CA beside the old, as during a CA rotation.
            Files.writeString(rotating, Files.readString(strangerCa) + Files.readString(ca));
            // the new bundle is used
            Waits.forStatus(200, Waits.PROMPTLY, () -> get(serai, "/rotating/x"));
        }
    }

    @Test
    void aMissingGlobalCaFileStopsStartNamingTheSettingAndTheFile() {
        Path missing = dir.resolve("no-such-ca.pem");
        String why = refusal(
                RunningSerai.routes(route("any", "https://localhost:1")).property("serai.upstream.tls.ca", missing));
        assertEquals(
                "serai.upstream.tls.ca: " + missing + " cannot be read (missing, not a file or no permission)", why);
    }

    @Test
    void aCaFileWithoutCertificatesStopsTheRouteThatNamesIt() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        String why = refusal(RunningSerai.routes(route("bad-ca", "https://localhost:1?tlsCa=" + garbage)));
        assertTrue(
                why.startsWith("route bad-ca")
                        && why.contains(": netty-http option tlsCa: " + garbage + " holds no PEM certificate"),
                why);
    }

    @Test
    void aClientKeyThatIsNotPkcs8PemStopsStartNamingTheSettings() throws Exception {
        Path notAKey = Files.writeString(dir.resolve("not-a-key.pem"), "-----BEGIN NOTHING-----\n");
        String why = refusal(RunningSerai.routes(route("any", "https://localhost:1"))
                .property("serai.upstream.tls.client-cert", client[0])
                .property("serai.upstream.tls.client-key", notAKey));
        assertTrue(
                why.startsWith("serai.upstream.tls.client-cert / serai.upstream.tls.client-key: ")
                        && why.contains(notAKey.toString())
                        && why.contains("PKCS#8"),
                why);
    }

    @Test
    void aClientCertificateWithoutItsKeyIsRefused() {
        String why = refusal(RunningSerai.routes(route("half", "https://localhost:1?tlsClientCert=" + client[0])));
        assertTrue(
                why.endsWith("netty-http options tlsClientCert and tlsClientKey go together: set both or neither"),
                why);
        why = refusal(RunningSerai.routes(route("any", "https://localhost:1"))
                .property("serai.upstream.tls.client-cert", client[0]));
        assertEquals(
                "serai.upstream.tls.client-cert and serai.upstream.tls.client-key go together: set both or neither",
                why);
    }

    @Test
    void backendTlsOptionsOnAPlainHttpBackendOrAListenerAreMistakesAndRefused() {
        String why = refusal(RunningSerai.routes(route("plain", "http://127.0.0.1:1?tlsCa=" + ca)));
        assertTrue(why.contains("are for https:// backends, and this one is http://127.0.0.1:1"), why);
        why = refusal(RunningSerai.routes("""
                - route:
                    id: listener
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/?tlsCa=%s"
                      steps:
                        - to: "netty-http:http://127.0.0.1:1"
                """.formatted(ca)));
        assertTrue(why.contains("are for backends (to:), not listeners (from:)"), why);
    }

    @Test
    void anInvalidServerNameIsRefused() {
        String why = refusal(RunningSerai.routes(route("named", "https://127.0.0.1:1?tlsServerName=bad_name!")));
        assertTrue(
                why.endsWith("netty-http option tlsServerName=bad_name! is invalid: expected a host name such as "
                        + "api.internal.example"),
                why);
    }

    /** The one line Serai prints when it refuses to start (as Serai.main words it). */
    private static String refusal(RunningSerai.Builder builder) {
        Exception e = assertThrows(Exception.class, () -> builder.start(dir).close());
        if (e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        String line = RouteStartFailure.describe(e, null);
        return line != null ? line : e.toString();
    }

    private static String route(String id, String backend) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/%s?matchOnUriPrefix=true"
                      steps:
                        - to: "netty-http:%s"
                """.formatted(id, id, backend);
    }

    private static RawResponse get(RunningSerai serai, String target) throws IOException {
        return RawHttp.exchange(serai.port(), "GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n");
    }
}
