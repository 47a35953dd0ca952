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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** {@code serai.http2.enabled=false}: ALPN offers only http/1.1, and a connection preface is not HTTP/2. */
@Timeout(60)
class Http2DisabledTest {

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;
    static int httpsPort;
    static Path ca;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates authority = TestCertificates.authority("Http2 off CA");
        Path[] pair = authority.issue("localhost", "127.0.0.1").write(dir, "server");
        ca = authority.writeCa(dir.resolve("ca.pem"));
        backend = TestBackend.start("h1-only");
        httpsPort = RunningSerai.freePort();
        serai = RunningSerai.routes(Http2EdgeTest.ROUTES)
                .property("backend.1", backend.hostPort())
                .property("https.port", httpsPort)
                .property("serai.tls.cert", pair[0])
                .property("serai.tls.key", pair[1])
                .property("serai.http2.enabled", false)
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void curlAskingForH2OverTlsGetsHttp11() throws Exception {
        Curl answer = Curl.run("--http2", "--cacert", ca.toString(), "https://127.0.0.1:" + httpsPort + "/alpn");
        assertEquals(200, answer.status());
        assertEquals("1.1", answer.version());
    }

    @Test
    void aPriorKnowledgePrefaceIsNotHttp2() throws Exception {
        Curl answer = Curl.run("--http2-prior-knowledge", serai.url("/preface"));
        assertNotEquals("2", answer.version());
        assertEquals("1.1", Curl.run("--http1.1", serai.url("/still")).version());
    }
}
