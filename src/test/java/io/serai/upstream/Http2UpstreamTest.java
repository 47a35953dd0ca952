package io.serai.upstream;

import io.serai.health.BackendStatus;
import io.serai.proxy.ProxyHttpComponent;
import io.serai.support.Http2Backend;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 23: a member with {@code ?protocol=h2} is reached over HTTP/2 (h2c, or h2 by ALPN over TLS), its requests
 * multiplexed over a few connections, balanced per request, its trailers passed to an HTTP/1.1 client, its
 * crashes failed over as HTTP/1.1's are, and its health checked over HTTP/2 too.
 */
@Timeout(60)
class Http2UpstreamTest {

    @TempDir
    Path dir;

    private static String route(String... members) {
        StringBuilder steps = new StringBuilder();
        for (String member : members) {
            steps.append("                      - to: \"netty-http:")
                    .append(member)
                    .append("\"\n");
        }
        return """
                - route:
                    id: h2
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                      steps:
                        - loadBalance:
                            roundRobinLoadBalancer: {}
                            steps:
                """ + steps;
    }

    @Test
    void twoHundredConcurrentRequestsToAnH2cMemberShareAFewConnectionsWithTheirBodiesIntact() throws Exception {
        try (Http2Backend backend = Http2Backend.start("h2c");
                RunningSerai serai = RunningSerai.routes(route("{{b1}}?protocol=h2"))
                        .property("b1", backend.url())
                        .start(dir)) {
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                answers.add(client.sendAsync(
                        HttpRequest.newBuilder(URI.create(serai.url("/items/" + i)))
                                .POST(HttpRequest.BodyPublishers.ofString("body of " + i))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < 200; i++) {
                HttpResponse<String> answer = answers.get(i).get();
                assertEquals(200, answer.statusCode(), "request " + i + ": " + answer.body());
                assertEquals("body of " + i, answer.body());
            }
            assertEquals(200, backend.requests().size());
            // One pool per event loop; 200 streams fit in a connection or two on each.
            int loops = 2 * Runtime.getRuntime().availableProcessors();
            assertTrue(
                    backend.connectionCount() <= Math.min(loops * 2, 20),
                    backend.connectionCount() + " connections for 200 requests");
            RecordedRequest one = backend.requests().get(0);
            assertEquals("POST", one.method());
            // The client's Host, as Serai keeps it by default (preserveHost), travels as :authority.
            assertEquals("127.0.0.1:" + serai.port(), one.header(":authority"));
            assertEquals("http", one.header(":scheme"));
            assertNull(one.header("connection"));
            assertNull(one.header("host"), "Host travels as :authority");
            assertTrue(
                    one.headerNames().stream().noneMatch(n -> n.startsWith("x-http2-")),
                    "Netty's conversion fields stay inside: " + one.headers());
        }
    }

    @Test
    void aConnectionCarriesNoMoreStreamsThanTheSettingAllows() throws Exception {
        try (Http2Backend backend = Http2Backend.start("h2c").holdRequestBodies();
                RunningSerai serai = RunningSerai.routes(route("{{b1}}?protocol=h2"))
                        .property("b1", backend.url())
                        .property("serai.upstream.http2.max-concurrent-streams", 1)
                        .start(dir)) {
            List<RawHttp> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    RawHttp client = RawHttp.connect(serai.port());
                    clients.add(client);
                    client.send("POST /held HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}");
                }
                // Six streams open at once, one per connection; without the cap a pool per event loop would do.
                Waits.upTo(Waits.PROMPTLY).until(() -> backend.connectionCount() == 6);
                backend.releaseRequestBodies();
                for (RawHttp client : clients) {
                    assertEquals(200, client.read().status());
                }
            } finally {
                for (RawHttp client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void anH2MemberOverTlsIsVerifiedAndServed() throws Exception {
        TestCertificates authority = TestCertificates.authority("Backend CA");
        Path ca = authority.writeCa(dir.resolve("ca.pem"));
        try (Http2Backend backend = Http2Backend.startTls("h2", authority.issue("localhost"));
                RunningSerai serai = RunningSerai.routes(route("{{b1}}?protocol=h2&tlsCa={{ca}}"))
                        .property("b1", backend.url())
                        .property("ca", ca)
                        .start(dir);
                RawHttp client = RawHttp.connect(serai.port())) {
            for (int i = 0; i < 3; i++) {
                RawResponse r = client.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
                        .read();
                assertEquals(200, r.status(), r.bodyText());
                assertEquals("hello", r.bodyText());
            }
            assertEquals("https", backend.requests().get(0).header(":scheme"));
            assertEquals(1, backend.connectionCount(), "three requests, one after the other, on one connection");
        }
    }

    @Test
    void anH2MemberOverTlsThatSpeaksOnlyHttp11IsABadGatewaySayingSo() throws Exception {
        TestCertificates authority = TestCertificates.authority("Backend CA");
        Path ca = authority.writeCa(dir.resolve("ca.pem"));
        try (TestBackend http1 = TestBackend.startTls("http1", authority.issue("localhost"), null);
                RunningSerai serai = RunningSerai.routes(route("{{b1}}?protocol=h2&tlsCa={{ca}}"))
                        .property("b1", http1.url())
                        .property("ca", ca)
                        .property("serai.errors.verbose", true)
                        .start(dir)) {
            RawResponse r = RawHttp.exchange(serai.port(), "GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(502, r.status());
            assertTrue(r.bodyText().contains("does not speak HTTP/2"), r.bodyText());
        }
    }

    @Test
    void anH2MemberOverTlsWhoseCertificateIsNotTrustedIsABadGatewaySayingWhy() throws Exception {
        try (Http2Backend backend = Http2Backend.startTls(
                        "stranger", TestCertificates.authority("Someone Else").issue("localhost"));
                RunningSerai serai = RunningSerai.routes(route("{{b1}}?protocol=h2"))
                        .property("b1", backend.url())
                        .property("serai.errors.verbose", true)
                        .start(dir)) {
            RawResponse r = RawHttp.exchange(serai.port(), "GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(502, r.status());
            assertTrue(r.bodyText().contains("TLS handshake with"), r.bodyText());
            assertTrue(r.bodyText().contains("not trusted"), r.bodyText());
            assertEquals(0, backend.requests().size());
        }
    }

    @Test
    void roundRobinOverTwoH2MembersAlternatesPerRequestOnOneClientConnection() throws Exception {
        try (Http2Backend b1 = Http2Backend.start("b1");
                Http2Backend b2 = Http2Backend.start("b2");
                RunningSerai serai = RunningSerai.routes(route("{{b1}}?protocol=h2", "{{b2}}?protocol=h2"))
                        .property("b1", b1.url())
                        .property("b2", b2.url())
                        .start(dir);
                RawHttp client = RawHttp.connect(serai.port())) {
            List<String> order = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                RawResponse r =
                        client.send("GET /r HTTP/1.1\r\nHost: a\r\n\r\n").read();
                assertEquals(200, r.status());
                order.add(r.header("x-backend"));
                // RFC 9110 section 7.6.3: the protocol Serai received the answer in, HTTP/2 here.
                assertEquals("2 serai", r.header("Via"));
            }
            assertEquals(5, b1.requests().size(), order.toString());
            assertEquals(5, b2.requests().size(), order.toString());
            for (int i = 1; i < order.size(); i++) {
                assertFalse(order.get(i).equals(order.get(i - 1)), "alternates: " + order);
            }
        }
    }

    @Test
    void trailersOfAnH2BackendReachAnHttp11ChunkedClientWithoutForbiddenFields() throws Exception {
        try (Http2Backend backend = Http2Backend.start("grpc-like")
                        .trailers(Map.of("grpc-status", "0", "grpc-message", "fine", "content-length", "99"));
                RunningSerai serai = RunningSerai.routes(route("{{b1}}?protocol=h2"))
                        .property("b1", backend.url())
                        .start(dir)) {
            String answer;
            try (RawHttp client = RawHttp.connect(serai.port())) {
                client.send("POST /svc/Method HTTP/1.1\r\nHost: a\r\nTE: trailers\r\nContent-Length: 5\r\n"
                        + "Connection: close\r\n\r\nhello");
                answer = new String(client.readToEnd(), StandardCharsets.ISO_8859_1);
            }
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.toLowerCase().contains("transfer-encoding: chunked"), answer);
            assertFalse(answer.toLowerCase().contains("x-http2-"), "Netty's conversion fields stay inside: " + answer);
            String last = answer.substring(answer.lastIndexOf("\r\n0\r\n") + 2);
            assertTrue(last.contains("grpc-status: 0\r\n"), "the last chunk carries the trailers: " + answer);
            assertTrue(last.contains("grpc-message: fine\r\n"), answer);
            assertFalse(last.contains("content-length"), "a framing field is not a trailer: " + answer);
            assertEquals("trailers", backend.requests().get(0).header("te"), "TE: trailers reaches an h2 backend");
        }
    }

    @Test
    void aCrashedH2MemberIsFailedOverAndServesAgainOnceBack() throws Exception {
        Http2Backend b1 = Http2Backend.start("b1");
        int port = b1.port();
        try (Http2Backend b2 = Http2Backend.start("b2");
                RunningSerai serai = RunningSerai.routes(route("{{b1}}?protocol=h2", "{{b2}}?protocol=h2"))
                        .property("b1", b1.url())
                        .property("b2", b2.url())
                        .property("serai.health.passive.consecutive-failures", 1000)
                        .start(dir)) {
            for (int i = 0; i < 4; i++) {
                assertEquals(200, get(serai).status());
            }
            b1.close();
            for (int i = 0; i < 6; i++) {
                RawResponse r = get(serai);
                assertEquals(200, r.status(), "request " + i + " after b1 crashed: " + r.bodyText());
                assertEquals("b2", r.header("x-backend"));
            }
            try (Http2Backend back = Http2Backend.start("b1-again", port)) {
                Waits.upTo(Waits.PROMPTLY)
                        .until(() -> "b1-again".equals(get(serai).header("x-backend")));
            }
        } finally {
            b1.close();
        }
    }

    @Test
    void aConnectionTheBackendSaysGoAwayToTakesNoNewStreams() throws Exception {
        try (Http2Backend backend = Http2Backend.start("h2c");
                RunningSerai serai = RunningSerai.routes(route("{{b1}}?protocol=h2"))
                        .property("b1", backend.url())
                        .start(dir);
                RawHttp client = RawHttp.connect(serai.port())) {
            assertEquals(
                    200,
                    client.send("GET /a HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
            assertEquals(1, backend.connectionCount());
            backend.goAway();
            Waits.upTo(Waits.PROMPTLY).until(() -> backend.openConnections() == 0);
            assertEquals(
                    200,
                    client.send("GET /b HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
            assertEquals(2, backend.connectionCount());
            assertEquals(2, backend.requests().get(1).connection());
        }
    }

    @Test
    void aPostWhoseStreamTheBackendRefusedUnprocessedIsSentAgain() throws Exception {
        try (Http2Backend backend = Http2Backend.start("h2c").refuseStreams(1);
                RunningSerai serai = RunningSerai.routes(route("{{b1}}?protocol=h2"))
                        .property("b1", backend.url())
                        .start(dir)) {
            RawResponse r =
                    RawHttp.exchange(serai.port(), "POST /orders HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}");
            assertEquals(200, r.status(), r.bodyText());
            assertEquals("{}", r.bodyText());
            assertEquals(1, backend.requests().size(), "processed once");
        }
    }

    @Test
    void anH2ConnectionWithoutStreamsClosesAfterTheIdleTimeout() throws Exception {
        try (Http2Backend backend = Http2Backend.start("h2c");
                RunningSerai serai = RunningSerai.routes(route("{{b1}}?protocol=h2"))
                        .property("b1", backend.url())
                        .property("serai.upstream.idle-timeout", "1s")
                        .start(dir)) {
            assertEquals(200, get(serai).status());
            assertEquals(1, backend.openConnections());
            Waits.upTo(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 0);
            assertEquals(200, get(serai).status(), "a new connection serves the next request");
            assertEquals(2, backend.connectionCount());
        }
    }

    @Test
    void anH2OnlyMemberIsHealthCheckedOverHttp2() throws Exception {
        Http2Backend backend = Http2Backend.start("h2-only");
        try (RunningSerai serai = RunningSerai.routes(route("{{b1}}?protocol=h2&healthCheckPath=/health"
                        + "&healthCheckInterval=300ms&healthyThreshold=1&unhealthyThreshold=1"))
                .property("b1", backend.url())
                .start(dir)) {
            Waits.upTo(Waits.PROMPTLY)
                    .until(() ->
                            backend.requests().stream().anyMatch(r -> r.target().equals("/health")));
            Waits.upTo(Waits.PROMPTLY).until(() -> status(serai, backend.url()).available());
            RecordedRequest check = backend.requests().stream()
                    .filter(r -> r.target().equals("/health"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("serai-health-check", check.header("user-agent"));
            backend.close();
            Waits.upTo(Waits.PROMPTLY).until(() -> !status(serai, backend.url()).available());
        } finally {
            backend.close();
        }
    }

    private static BackendStatus status(RunningSerai serai, String origin) {
        return ((ProxyHttpComponent) serai.context().getComponent("netty-http"))
                .backendHealth().statuses().stream()
                        .filter(s -> s.backend().equals(origin))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no status for " + origin));
    }

    private static RawResponse get(RunningSerai serai) throws IOException {
        return RawHttp.exchange(serai.port(), "GET /c HTTP/1.1\r\nHost: a\r\n\r\n");
    }
}
