package io.serai.examples;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.serai.support.Behaviour;
import io.serai.support.Behaviours;
import io.serai.support.OtlpReceiver;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.ReceivedSpan;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/tracing.camel.yaml on the jar with tracing on, in front of three real backends that record the
 * {@code traceparent} they receive, exporting to a real OTLP receiver on loopback: one process over
 * OTLP/HTTP, a second over OTLP/gRPC. The trees asserted are those of docs/tracing.md.
 */
class TracingIT {

    /** Two JVMs start at once: on a loaded two-core machine a start has been seen to take 35 s. */
    private static final Duration STARTUP = Duration.ofSeconds(60);

    @TempDir
    static Path tmp;

    static OtlpReceiver receiver;
    static TestBackend users;
    static TestBackend orders;
    static TestBackend recommendations;
    static SeraiProcess overHttp;
    static SeraiProcess overGrpc;
    static int httpPort;
    static int grpcPort;

    /** JSON, except 503 for /api/unavailable (/unavailable to the backend) on the first member. */
    static Behaviour jsonOr503(boolean fails) {
        return (request, socket, out, name) -> {
            if (fails && request.target().startsWith("/unavailable")) {
                Behaviours.write(out, request, 503, Map.of(), new byte[0]);
                return true;
            }
            return Behaviours.json().answer(request, socket, out, name);
        };
    }

    @BeforeAll
    static void start() throws Exception {
        receiver = OtlpReceiver.start();
        users = TestBackend.start("users").respondWith(jsonOr503(true));
        orders = TestBackend.start("orders").respondWith(jsonOr503(false));
        recommendations = TestBackend.start("recs").respondWith(jsonOr503(false));
        int[] ports = RunningSerai.freePorts(2);
        httpPort = ports[0];
        grpcPort = ports[1];
        // As docs/tracing.md starts it: the endpoint alone, OTLP over HTTP/protobuf being the default.
        overHttp = serai(httpPort, null, receiver.httpEndpoint(), "http");
        overGrpc = serai(grpcPort, "grpc", receiver.grpcEndpoint(), "grpc");
        overHttp.awaitStatus("http://127.0.0.1:" + httpPort + "/profile/0", 200, STARTUP);
        overGrpc.awaitStatus("http://127.0.0.1:" + grpcPort + "/profile/0", 200, STARTUP);
    }

    static SeraiProcess serai(int port, String protocol, String endpoint, String name) throws Exception {
        Path logs = Files.createDirectories(tmp.resolve(name));
        SeraiProcess.Builder builder = SeraiProcess.builder();
        if (protocol != null) {
            builder.env("OTEL_EXPORTER_OTLP_PROTOCOL", protocol);
        }
        return builder.env("SERAI_ROUTES", "examples/tracing.camel.yaml")
                .env("SERAI_TRACING_ENABLED", "true")
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
                .env("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=" + name)
                .env("OTEL_BSP_SCHEDULE_DELAY", "100")
                .property("serai.port", port)
                .property("backend.1", users.url())
                .property("backend.2", orders.url())
                .property("backend.3", recommendations.url())
                .start(logs);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {overHttp, overGrpc, users, orders, recommendations, receiver}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aClientsTraceContinuesThroughTheServerSpanToAClientSpanPerCallOfTheAggregation() throws Exception {
        String traceId = randomHex(16);
        String clientSpanId = randomHex(8);

        RawResponse r = get(httpPort, "/profile/42", "traceparent: 00-" + traceId + "-" + clientSpanId + "-01\r\n");

        assertEquals(200, r.status(), r.bodyText());
        assertProfileTree(receiver.awaitTrace(traceId, 4), traceId, clientSpanId, "/42");
    }

    @Test
    void aRequestWithoutTraceparentStartsATrace() throws Exception {
        RawResponse r = get(httpPort, "/profile/43", "");

        assertEquals(200, r.status(), r.bodyText());
        String traceId = traceparentOf(users, "/users/43").split("-")[1];
        assertNotEquals("0".repeat(32), traceId);
        assertProfileTree(receiver.awaitTrace(traceId, 4), traceId, "", "/43");
    }

    @Test
    void aRetryIsAClientSpanOfItsOwnWithItsResendCount() throws Exception {
        // Of two requests in a row, the round robin starts at least one on the failing member.
        List<ReceivedSpan> retried = List.of();
        for (int i = 0; i < 2 && retried.isEmpty(); i++) {
            String traceId = randomHex(16);
            RawResponse r =
                    get(httpPort, "/api/unavailable", "traceparent: 00-" + traceId + "-" + randomHex(8) + "-01\r\n");
            assertEquals(200, r.status(), r.bodyText());
            // client spans end before their server span and are exported no later
            Waits.upTo(Waits.PROMPTLY)
                    .until(() -> !ofKind(receiver.trace(traceId), SpanKind.SPAN_KIND_SERVER)
                            .isEmpty());
            List<ReceivedSpan> trace = receiver.trace(traceId);
            retried = ofKind(trace, SpanKind.SPAN_KIND_CLIENT).size() == 2 ? trace : List.of();
        }

        ReceivedSpan server = only(retried, SpanKind.SPAN_KIND_SERVER);
        List<ReceivedSpan> attempts = ofKind(retried, SpanKind.SPAN_KIND_CLIENT);
        assertEquals(2, attempts.size(), retried.toString());
        attempts.forEach(a -> assertEquals(server.spanId(), a.parentSpanId(), a.toString()));
        ReceivedSpan failed = attempts.stream()
                .filter(a -> "503".equals(a.attribute("http.response.status_code")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no attempt answered 503: " + attempts));
        ReceivedSpan retry =
                attempts.stream().filter(a -> a != failed).findFirst().orElseThrow();
        assertEquals("503", failed.attribute("error.type"), failed.toString());
        assertEquals("1", retry.attribute("http.request.resend_count"), retry.toString());
        assertEquals("200", retry.attribute("http.response.status_code"), retry.toString());
        assertEquals("tracing-api", server.attribute("serai.route.id"), server.toString());
    }

    @Test
    void aTraceIsExportedOverGrpcToo() throws Exception {
        String traceId = randomHex(16);
        String clientSpanId = randomHex(8);

        RawResponse r = get(grpcPort, "/profile/44", "traceparent: 00-" + traceId + "-" + clientSpanId + "-01\r\n");

        assertEquals(200, r.status(), r.bodyText());
        List<ReceivedSpan> trace = receiver.awaitTrace(traceId, 4);
        assertProfileTree(trace, traceId, clientSpanId, "/44");
        trace.forEach(s -> assertEquals("grpc", s.resource().get("deployment.environment.name"), s.toString()));
    }

    /**
     * One server span (child of {@code clientSpanId}, or a root when it is "") for GET /profile/{id}, and
     * under it one client span per backend call, each of whose ids the backend received in traceparent.
     */
    private static void assertProfileTree(List<ReceivedSpan> trace, String traceId, String clientSpanId, String id)
            throws Exception {
        assertEquals(4, trace.size(), trace.toString());
        ReceivedSpan server = only(trace, SpanKind.SPAN_KIND_SERVER);
        assertEquals(clientSpanId, server.parentSpanId(), server.toString());
        assertEquals("GET /profile/{id}", server.name());
        assertEquals("/profile/{id}", server.attribute("http.route"), server.toString());
        assertEquals("GET", server.attribute("http.request.method"), server.toString());
        assertEquals("/profile" + id, server.attribute("url.path"), server.toString());
        assertEquals("200", server.attribute("http.response.status_code"), server.toString());
        assertEquals("tracing-profile", server.attribute("serai.route.id"), server.toString());
        assertEquals(
                "serai",
                server.resource().get("service.name"),
                server.resource().toString());

        List<ReceivedSpan> calls = ofKind(trace, SpanKind.SPAN_KIND_CLIENT);
        assertEquals(3, calls.size(), trace.toString());
        Map<String, String> spanIdByPort = calls.stream()
                .peek(c -> assertEquals(server.spanId(), c.parentSpanId(), c.toString()))
                .peek(c -> assertEquals("GET", c.name(), c.toString()))
                .peek(c -> assertEquals("200", c.attribute("http.response.status_code"), c.toString()))
                .collect(Collectors.toMap(c -> c.attribute("server.port"), ReceivedSpan::spanId));
        String n = id.substring(1);
        Map<TestBackend, String> targets =
                Map.of(users, "/users/" + n, orders, "/orders?user=" + n, recommendations, "/recommendations/" + n);
        targets.forEach((backend, target) -> {
            String sent = traceparentOf(backend, target);
            assertEquals(
                    "00-" + traceId + "-" + spanIdByPort.get(String.valueOf(backend.port())),
                    sent.substring(0, 52),
                    target + " received the traceparent of its own client span; spans: " + calls);
            // sampled; a trace Serai starts also has the W3C level 2 "random trace id" flag (03)
            assertTrue((HexFormat.fromHexDigits(sent.substring(53)) & 1) == 1, sent);
        });
    }

    private static String traceparentOf(TestBackend backend, String targetPrefix) {
        RecordedRequest request = backend.requests().stream()
                .filter(q -> q.target().startsWith(targetPrefix))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(backend.url() + " received no " + targetPrefix));
        String traceparent = request.header("traceparent");
        assertTrue(traceparent != null && traceparent.startsWith("00-"), targetPrefix + ": " + traceparent);
        return traceparent;
    }

    private static RawResponse get(int port, String target, String headers) throws Exception {
        return RawHttp.exchange(port, "GET " + target + " HTTP/1.1\r\nHost: h\r\n" + headers + "\r\n");
    }

    private static ReceivedSpan only(List<ReceivedSpan> spans, SpanKind kind) {
        List<ReceivedSpan> ofKind = ofKind(spans, kind);
        assertEquals(1, ofKind.size(), spans.toString());
        return ofKind.get(0);
    }

    private static List<ReceivedSpan> ofKind(List<ReceivedSpan> spans, SpanKind kind) {
        return spans.stream().filter(s -> s.kind() == kind).toList();
    }

    private static String randomHex(int bytes) {
        byte[] id = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(id);
        id[0] |= 1; // never all zeros, which traceparent forbids
        return HexFormat.of().formatHex(id);
    }
}
