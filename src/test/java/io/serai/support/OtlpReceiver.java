package io.serai.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real OTLP trace receiver on loopback ephemeral ports, for tests: OTLP/HTTP ({@code POST /v1/traces},
 * {@code application/x-protobuf}, gzip or not) on {@link #httpEndpoint()} and OTLP/gRPC
 * ({@code opentelemetry.proto.collector.trace.v1.TraceService/Export}) on {@link #grpcEndpoint()}. Both
 * decode with the official protobuf classes ({@code io.opentelemetry.proto}) and keep every span with its
 * resource's attributes ({@link #spans()}). {@link #answer} turns it into a receiver that refuses
 * ({@code 503} / {@code UNAVAILABLE}) or a black hole that never answers, for tests of dropped spans.
 * <p>
 * The HTTP side is the JDK's {@code com.sun.net.httpserver}: one path and one content type need no more.
 * An OpenTelemetry Collector would be the real thing, but none can be installed here as a test dependency.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** How the receiver answers an export. */
    public enum Answer {
        /** Keeps the spans and answers 200 / OK with an empty {@code ExportTraceServiceResponse}. */
        ACCEPT,
        /** Keeps nothing and answers 503 / {@code UNAVAILABLE}. */
        UNAVAILABLE,
        /** Keeps nothing and never answers (until {@link #answer} changes it or {@link #close()}). */
        BLACK_HOLE
    }

    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final AtomicInteger exports = new AtomicInteger();
    private final ExecutorService httpThreads = Executors.newCachedThreadPool(daemon -> {
        Thread t = new Thread(daemon, "otlp-receiver-http");
        t.setDaemon(true);
        return t;
    });
    private volatile Answer answer = Answer.ACCEPT;
    private volatile CompletableFuture<Void> blackHoleOpen = new CompletableFuture<>();
    private HttpServer http;
    private Server grpc;

    private OtlpReceiver() {}

    /** A receiver listening on both protocols, accepting every export. */
    public static OtlpReceiver start() throws IOException {
        OtlpReceiver receiver = new OtlpReceiver();
        receiver.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.http.createContext("/v1/traces", receiver::exportOverHttp);
        receiver.http.setExecutor(receiver.httpThreads);
        receiver.http.start();
        receiver.grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(receiver.new TraceService())
                .build()
                .start();
        return receiver;
    }

    /** The OTLP/HTTP base, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} takes it: {@code http://127.0.0.1:port}. */
    public String httpEndpoint() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** The OTLP/HTTP traces URL, as {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} takes it. */
    public String httpTracesEndpoint() {
        return httpEndpoint() + "/v1/traces";
    }

    /** The OTLP/gRPC endpoint (plaintext): {@code http://127.0.0.1:port}. */
    public String grpcEndpoint() {
        return "http://127.0.0.1:" + grpc.getPort();
    }

    /** From now on, answers exports as {@code answer} says; leaving {@link Answer#BLACK_HOLE} answers the held ones. */
    public void answer(Answer answer) {
        Answer before = this.answer;
        this.answer = answer;
        if (before == Answer.BLACK_HOLE && answer != Answer.BLACK_HOLE) {
            CompletableFuture<Void> held = blackHoleOpen;
            blackHoleOpen = new CompletableFuture<>();
            held.complete(null);
        }
    }

    /** Every span kept so far, in the order received. */
    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    /** Exports received on either protocol, whatever the answer was. */
    public int exports() {
        return exports.get();
    }

    /** The spans once at least {@code count} are kept, waiting at most {@code timeout}. */
    public List<ReceivedSpan> awaitSpans(int count, Duration timeout) {
        Waits.upTo(timeout)
                .untilAsserted(() -> assertTrue(
                        spans.size() >= count, count + " spans expected, " + spans.size() + " received: " + spans));
        return spans();
    }

    /** The spans once at least {@code count} are kept (at most {@link Waits#PROMPTLY}). */
    public List<ReceivedSpan> awaitSpans(int count) {
        return awaitSpans(count, Waits.PROMPTLY);
    }

    /** The spans of trace {@code traceId} (hex) once at least {@code count} of them are kept (at most {@link Waits#PROMPTLY}). */
    public List<ReceivedSpan> awaitTrace(String traceId, int count) {
        Waits.upTo(Waits.PROMPTLY)
                .untilAsserted(() -> assertTrue(
                        trace(traceId).size() >= count,
                        count + " spans of trace " + traceId + " expected, received: " + spans));
        return trace(traceId);
    }

    /** The spans of trace {@code traceId} (hex) kept so far. */
    public List<ReceivedSpan> trace(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    /** Forgets the spans kept so far, so a test sees only its own. */
    public void clear() {
        spans.clear();
    }

    @Override
    public void close() {
        blackHoleOpen.complete(null);
        http.stop(0);
        httpThreads.shutdownNow();
        grpc.shutdownNow();
        try {
            grpc.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void exportOverHttp(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            if (!type.startsWith("application/x-protobuf")) {
                exchange.sendResponseHeaders(415, -1);
                return;
            }
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(bodyOf(exchange));
            Answer now = received(request);
            if (now == Answer.BLACK_HOLE) {
                blackHoleOpen.join();
                now = answerAfterBlackHole();
            }
            if (now == Answer.UNAVAILABLE) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            byte[] body = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static InputStream bodyOf(HttpExchange exchange) throws IOException {
        boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
        return gzip ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody();
    }

    /** Counts the export, keeps its spans when the answer is {@link Answer#ACCEPT}, and says the answer. */
    private Answer received(ExportTraceServiceRequest request) {
        exports.incrementAndGet();
        Answer now = answer;
        if (now == Answer.ACCEPT) {
            request.getResourceSpansList().forEach(resourceSpans -> {
                var resource = ReceivedSpan.textOf(resourceSpans.getResource().getAttributesList());
                resourceSpans
                        .getScopeSpansList()
                        .forEach(scope ->
                                scope.getSpansList().forEach(span -> spans.add(new ReceivedSpan(span, resource))));
            });
        }
        return now;
    }

    /** What a held export is answered once the black hole opens: the new answer, or 503 on close. */
    private Answer answerAfterBlackHole() {
        return answer == Answer.ACCEPT ? Answer.ACCEPT : Answer.UNAVAILABLE;
    }

    /** The gRPC side: the service stub that opentelemetry-proto ships, answered like the HTTP side. */
    private final class TraceService extends TraceServiceGrpc.TraceServiceImplBase {
        @Override
        public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> responses) {
            Answer now = received(request);
            if (now == Answer.BLACK_HOLE) {
                // held without a thread; the exporter's deadline ends the call, or close() cancels it
                blackHoleOpen.thenRun(() -> answer(answerAfterBlackHole(), responses));
            } else {
                answer(now, responses);
            }
        }

        private void answer(Answer now, StreamObserver<ExportTraceServiceResponse> responses) {
            try {
                if (now == Answer.ACCEPT) {
                    responses.onNext(ExportTraceServiceResponse.getDefaultInstance());
                    responses.onCompleted();
                } else {
                    responses.onError(Status.UNAVAILABLE.asRuntimeException());
                }
            } catch (RuntimeException callGone) {
                // the exporter gave up on the call meanwhile: nothing to answer
            }
        }
    }
}
