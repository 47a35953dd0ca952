package io.serai.http2;

import io.serai.support.Http2Backend;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * examples/http2.camel.yaml started as its Run line says (SERAI_ROUTES=examples/http2.camel.yaml java
 * -Dtls.cert=... -Dtls.key=... -Dbackend.1=http://... -jar target/serai.jar), with curl as the client: h2
 * by ALPN on the https:// listener, h2c by prior knowledge and HTTP/1.1 on the cleartext one, and every
 * request reaching the backend over HTTP/2.
 */
@Timeout(90)
class Http2ExampleIT {

    @Test
    void curlSpeaksHttp2ToBothListenersAndTheBackendHearsHttp2(@TempDir Path tmp) throws Exception {
        TestCertificates ca = TestCertificates.authority("Example CA");
        Path[] pair = ca.issue("localhost", "127.0.0.1").write(tmp, "server");
        Path caFile = ca.writeCa(tmp.resolve("ca.pem"));
        try (Http2Backend backend = Http2Backend.start("h2-backend")) {
            int port = RunningSerai.freePort();
            int tlsPort = RunningSerai.freePort();
            try (SeraiProcess serai = SeraiProcess.builder()
                    .env("SERAI_ROUTES", "examples/http2.camel.yaml")
                    .property("serai.port", port)
                    .property("serai.tls-port", tlsPort)
                    .property("tls.cert", pair[0])
                    .property("tls.key", pair[1])
                    .property("backend.1", backend.url())
                    .start(tmp)) {
                serai.awaitStatus("http://127.0.0.1:" + port + "/ready", 200, Duration.ofSeconds(30));

                Curl tls = Curl.run("--http2", "--cacert", caFile.toString(), "https://localhost:" + tlsPort + "/a");
                assertEquals(200, tls.status(), tls.body());
                assertEquals("2", tls.version(), "ALPN picks h2");

                Curl h2c = Curl.run("--http2-prior-knowledge", "http://127.0.0.1:" + port + "/b");
                assertEquals(200, h2c.status(), h2c.body());
                assertEquals("2", h2c.version(), "h2c by prior knowledge on the cleartext port");

                RawResponse http11 = RawHttp.exchange(port, "GET /c HTTP/1.1\r\nHost: shop\r\n\r\n");
                assertEquals(200, http11.status(), http11.bodyText());

                // The first request is the wait for /ready above, which this catch-all route forwards too.
                var requests = backend.requests().subList(1, backend.requests().size());
                assertEquals(
                        List.of("/a", "/b", "/c"),
                        requests.stream().map(r -> r.target()).toList());
                for (var request : requests) {
                    assertEquals("HTTP/2.0", request.version(), request.target());
                }
            }
        }
    }
}
