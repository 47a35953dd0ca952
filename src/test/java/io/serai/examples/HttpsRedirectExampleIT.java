package io.serai.examples;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import io.serai.support.TlsClient;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/https-redirect.camel.yaml started as its Run line says (a copy in a temporary directory):
 * SERAI_ROUTES=... java -Dhttps.port=... -Dtls.cert=... -Dtls.key=... -Dupstream.url=... -jar target/serai.jar
 */
@Timeout(60)
class HttpsRedirectExampleIT {

    @TempDir
    Path tmp;

    @Test
    void plainHttpIsRedirectedToTheHttpsListenerWhichForwards() throws Exception {
        Path routes = Files.createDirectories(tmp.resolve("routes"));
        Files.copy(Path.of("examples/https-redirect.camel.yaml"), routes.resolve("https-redirect.camel.yaml"));
        TestCertificates ca = TestCertificates.authority("Example CA");
        Path[] pair = ca.issue("localhost", "127.0.0.1").write(tmp, "server");
        try (TestBackend upstream = TestBackend.start("upstream")) {
            int[] ports = RunningSerai.freePorts(2);
            try (SeraiProcess serai = SeraiProcess.builder()
                    .env("SERAI_ROUTES", routes.toString())
                    .property("serai.port", ports[0])
                    .property("https.port", ports[1])
                    .property("tls.cert", pair[0])
                    .property("tls.key", pair[1])
                    .property("upstream.url", upstream.url())
                    .start(tmp)) {
                RawResponse get = serai.awaitAnswer(
                        Waits.STARTUP,
                        () -> RawHttp.exchange(
                                ports[0],
                                "GET /shop/items?page=2 HTTP/1.1\r\nHost: localhost:" + ports[0] + "\r\n\r\n"));
                assertEquals(301, get.status());
                assertEquals("https://localhost:" + ports[1] + "/shop/items?page=2", get.header("Location"));
                assertEquals("0", get.header("Content-Length"));

                RawResponse post = RawHttp.exchange(
                        ports[0],
                        "POST /orders HTTP/1.1\r\nHost: localhost:" + ports[0] + "\r\nContent-Length: 2\r\n\r\n{}");
                assertEquals(308, post.status());
                assertEquals("https://localhost:" + ports[1] + "/orders", post.header("Location"));
                assertEquals(0, upstream.requests().size(), "nothing went to the backend over plain HTTP");

                TlsClient.Answer secure = TlsClient.get(ports[1], "localhost", "TLSv1.3", ca.ca());
                assertTrue(secure.text().startsWith("HTTP/1.1 200"), secure.text());
                assertEquals(1, upstream.requests().size());
                assertEquals("https", upstream.lastRequest().header("X-Forwarded-Proto"));
            }
        }
    }
}
