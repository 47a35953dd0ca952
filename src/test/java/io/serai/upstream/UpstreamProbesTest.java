package io.serai.upstream;

import io.serai.health.BackendStatus;
import io.serai.proxy.ProxyHttpComponent;
import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Health checks and load reports of an https:// backend with its own CA and a client certificate go
 * out over Serai's own client with the TLS its traffic uses: the checks pass while the backend says so,
 * and fail for the backend's own reasons (a 503, an untrusted certificate), not for the probe's.
 */
@Timeout(60)
class UpstreamProbesTest {

    @TempDir
    static Path dir;

    static Path ca;
    static Path strangerCa;
    static Path[] client;
    static TestBackend backend;
    static volatile int healthStatus = 200;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates authority = TestCertificates.authority("Backend CA");
        TestCertificates clientAuthority = TestCertificates.authority("Client CA");
        ca = authority.writeCa(dir.resolve("ca.pem"));
        strangerCa = TestCertificates.authority("Someone Else").writeCa(dir.resolve("stranger-ca.pem"));
        client = clientAuthority.issue("serai-client").write(dir, "client");
        // Requires a client certificate from the client CA: a probe without Serai's certificate fails.
        backend = TestBackend.startTls("mutual", authority.issue("localhost"), clientAuthority.ca())
                .respondWith((request, socket, out, name) -> {
                    switch (request.target()) {
                        case "/health" -> Behaviours.write(out, request, healthStatus, Map.of(), new byte[0]);
                        case "/load" ->
                            Behaviours.write(
                                    out,
                                    request,
                                    200,
                                    Map.of("endpoint-load-metrics", "TEXT cpu_utilization=0.75"),
                                    new byte[0]);
                        default -> Behaviours.write(out, request, 200, Map.of("X-Backend", name), new byte[0]);
                    }
                    return true;
                });
    }

    @AfterAll
    static void stop() throws Exception {
        backend.close();
    }

    @BeforeEach
    void healthy() {
        healthStatus = 200;
    }

    @Test
    void aBackendWithItsOwnCaIsCheckedOverItsTlsAndTakenOutWhileItsHealthAnswers503() throws Exception {
        healthStatus = 503;
        try (RunningSerai serai = RunningSerai.routes(balanced("{{mutual}}?tlsCa={{ca}}&tlsClientCert={{cert}}"
                        + "&tlsClientKey={{key}}&healthCheckPath=/health&healthCheckInterval=300ms"
                        + "&healthyThreshold=1&unhealthyThreshold=2"))
                .property("mutual", backend.url())
                .property("ca", ca)
                .property("cert", client[0])
                .property("key", client[1])
                .start(dir)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !status(serai).available());
            assertTrue(
                    status(serai).reason().endsWith("GET /health answered 503"),
                    status(serai).reason());
            assertEquals(503, get(serai));
            RecordedRequest check = backend.requests().stream()
                    .filter(r -> r.target().equals("/health"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("serai-health-check", check.header("User-Agent"));
            assertEquals("close", check.header("Connection"));
            assertEquals(
                    "CN=serai-client",
                    backend.clientCertificates()
                            .get(backend.clientCertificates().size() - 1));
            assertTrue(
                    backend.serverNames().contains("localhost"),
                    backend.serverNames().toString());

            healthStatus = 200;
            await().atMost(Duration.ofSeconds(10)).until(() -> status(serai).available());
            assertEquals(200, get(serai));

            healthStatus = 503;
            await().atMost(Duration.ofSeconds(10)).until(() -> !status(serai).available());
            assertEquals(503, get(serai));
        }
    }

    @Test
    void aCheckThatCannotVerifyTheBackendTakesItOutSayingWhy() throws Exception {
        try (RunningSerai serai = RunningSerai.routes(balanced("{{mutual}}?tlsCa={{stranger}}"
                        + "&healthCheckPath=/health&healthCheckInterval=1s&unhealthyThreshold=1"))
                .property("mutual", backend.url())
                .property("stranger", strangerCa)
                .start(dir)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !status(serai).available());
            assertTrue(
                    status(serai).reason().contains("TLS handshake failed: its certificate is not trusted"),
                    status(serai).reason());
        }
    }

    @Test
    void aBackendThatNeverAnswersItsCheckIsTakenOutAfterTheCheckTimeout() throws Exception {
        // Connections are accepted by the kernel (backlog) and never read.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                RunningSerai serai = RunningSerai.routes(balanced("http://127.0.0.1:{{silent.port}}"
                                + "?healthCheckPath=/health&healthCheckInterval=300ms&unhealthyThreshold=1"))
                        .property("silent.port", silent.getLocalPort())
                        .start(dir)) {
            String origin = "http://127.0.0.1:" + silent.getLocalPort();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !status(serai, origin).available());
            assertTrue(
                    status(serai, origin).reason().endsWith("no answer within 300 ms"),
                    status(serai, origin).reason());
        }
    }

    @Test
    void aLoadReportIsReadOverTheBackendsTls() throws Exception {
        try (RunningSerai serai = RunningSerai.routes(balanced("{{mutual}}?tlsCa={{ca}}&tlsClientCert={{cert}}"
                        + "&tlsClientKey={{key}}&loadReportPath=/load&loadReportInterval=300ms"))
                .property("mutual", backend.url())
                .property("ca", ca)
                .property("cert", client[0])
                .property("key", client[1])
                .start(dir)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> status(serai).utilization() > 0);
            assertEquals(0.75, status(serai).utilization(), 1e-9);
        }
    }

    private static BackendStatus status(RunningSerai serai) {
        return status(serai, backend.url());
    }

    private static BackendStatus status(RunningSerai serai, String origin) {
        return ((ProxyHttpComponent) serai.context().getComponent("netty-http"))
                .backendHealth().statuses().stream()
                        .filter(s -> s.backend().equals(origin))
                        .findFirst()
                        .orElseThrow();
    }

    private static int get(RunningSerai serai) throws Exception {
        return RawHttp.exchange(serai.port(), "GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
                .status();
    }

    private static String balanced(String member) {
        return """
                - route:
                    id: balanced
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                      steps:
                        - loadBalance:
                            roundRobinLoadBalancer: {}
                            steps:
                              - to: "netty-http:%s"
                """.formatted(member);
    }
}
