package io.serai.examples;

import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import io.serai.support.TlsClient;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/tls.camel.yaml started as the README says:
 * SERAI_ROUTES=examples/tls.camel.yaml java -Dtls.cert=... -Dtls.key=... -Dupstream.url=... -jar target/serai.jar
 */
@Timeout(60)
class TlsExampleIT {

    @Test
    void theExampleTerminatesTlsWithTheGivenCertificateAndForwards(@TempDir Path tmp) throws Exception {
        TestCertificates ca = TestCertificates.authority("Example CA");
        Path[] pair = ca.issue("localhost", "127.0.0.1").write(tmp, "server");
        try (TestBackend upstream = TestBackend.start("upstream")) {
            int port = RunningSerai.freePort();
            try (SeraiProcess serai = SeraiProcess.builder()
                    .env("SERAI_ROUTES", "examples/tls.camel.yaml")
                    .property("serai.port", port)
                    .property("tls.cert", pair[0])
                    .property("tls.key", pair[1])
                    .property("upstream.url", upstream.url())
                    .start(tmp)) {
                TlsClient.Answer answer =
                        serai.awaitAnswer(Waits.STARTUP, () -> TlsClient.get(port, "localhost", "TLSv1.3", ca.ca()));
                assertTrue(answer.text().startsWith("HTTP/1.1 200"), answer.text());
                assertEquals("TLSv1.3", answer.protocol());
                assertEquals("https", upstream.lastRequest().header("X-Forwarded-Proto"));
                assertTrue(TlsClient.get(port, null, "TLSv1.2", ca.ca()).suite().startsWith("TLS_ECDHE_"));
            }
        }
    }
}
