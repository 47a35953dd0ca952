package io.serai.support;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC server (grpc-java over its shaded Netty) on a loopback ephemeral port, serving
 * {@value #SERVICE} with byte[] messages (no protoc: {@link MethodDescriptor}s and {@link #BYTES}), the
 * standard {@code grpc.health.v1.Health} service whose status a test flips ({@link #health}), and
 * recording the metadata of the last call (what {@code grpc-timeout} the backend was given).
 * {@link #startTls} serves the same over TLS. {@link #stop()} stops it as a crash would: listener and every connection closed, calls cancelled.
 * <p>
 * Methods (request and answer are UTF-8 text unless said otherwise):
 * <ul>
 * <li>{@link #ECHO} unary: answers {@code name:request}, so a test sees which backend served;
 * <li>{@link #COUNT} server-streaming: the request is N, the answers are "1" to "N";
 * <li>{@link #SUM} client-streaming: answers the number of bytes of all the requests;
 * <li>{@link #CHAT} bidi: answers each request with {@code name:request} as it comes;
 * <li>{@link #SLOW} unary: the request is milliseconds to wait before answering {@code name};
 * <li>{@link #FAIL} unary: the request is {@code code:message}, answered as that status;
 * <li>{@link #LARGE} unary: the request is a size in bytes, answered with that many bytes (a pattern).
 * </ul>
 */
public final class GrpcBackend implements AutoCloseable {

    public static final String SERVICE = "serai.test.Backend";
    /** The largest message either side takes: room for {@link #LARGE}'s 8 MiB. */
    public static final int MAX_MESSAGE = 16 * 1024 * 1024;

    /** Messages as they are: the bytes of the wire. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    public static final MethodDescriptor<byte[], byte[]> ECHO = method("Echo", MethodDescriptor.MethodType.UNARY);
    public static final MethodDescriptor<byte[], byte[]> COUNT =
            method("Count", MethodDescriptor.MethodType.SERVER_STREAMING);
    public static final MethodDescriptor<byte[], byte[]> SUM =
            method("Sum", MethodDescriptor.MethodType.CLIENT_STREAMING);
    public static final MethodDescriptor<byte[], byte[]> CHAT =
            method("Chat", MethodDescriptor.MethodType.BIDI_STREAMING);
    public static final MethodDescriptor<byte[], byte[]> SLOW = method("Slow", MethodDescriptor.MethodType.UNARY);
    public static final MethodDescriptor<byte[], byte[]> FAIL = method("Fail", MethodDescriptor.MethodType.UNARY);
    public static final MethodDescriptor<byte[], byte[]> LARGE = method("Large", MethodDescriptor.MethodType.UNARY);

    private final String name;
    private final Server server;
    private final HealthStatusManager health;
    private final ScheduledExecutorService timers;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile Metadata lastHeaders;

    private GrpcBackend(String name, SslContext tls) {
        this.name = name;
        this.health = new HealthStatusManager();
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grpc-backend-" + name + "-timer");
            t.setDaemon(true);
            return t;
        });
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.server = builder.maxInboundMessageSize(MAX_MESSAGE)
                .addService(ServerInterceptors.intercept(service(), new Recorder()))
                .addService(health.getHealthService())
                .build();
    }

    /** Started and serving; its health is SERVING for {@value #SERVICE} and for the server as a whole (""). */
    public static GrpcBackend start(String name) throws IOException {
        return started(new GrpcBackend(name, null));
    }

    /** The same over TLS (h2 by ALPN) with {@code certificate}, e.g. one {@link TestCertificates} issued. */
    public static GrpcBackend startTls(String name, TestCertificates.Issued certificate) throws IOException {
        SslContext tls = GrpcSslContexts.configure(
                        SslContextBuilder.forServer(certificate.key().getPrivate(), certificate.certificate()))
                .build();
        return started(new GrpcBackend(name, tls));
    }

    private static GrpcBackend started(GrpcBackend backend) throws IOException {
        backend.server.start();
        backend.health.setStatus("", ServingStatus.SERVING);
        backend.health.setStatus(SERVICE, ServingStatus.SERVING);
        return backend;
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getPort();
    }

    public String hostPort() {
        return "127.0.0.1:" + port();
    }

    /** How many calls of {@value #SERVICE} arrived. */
    public int calls() {
        return calls.get();
    }

    /** The metadata (request headers) of the last call of {@value #SERVICE}, or null. */
    public Metadata lastHeaders() {
        return lastHeaders;
    }

    /** What {@code grpc.health.v1.Health/Check} answers for {@code service} ("" for the whole server). */
    public void health(String service, ServingStatus status) {
        health.setStatus(service, status);
    }

    /** Stops as a crashed process would: the listener and every connection closed, calls cut off. */
    public void stop() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timers.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }

    private static MethodDescriptor<byte[], byte[]> method(String method, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, method))
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    private ServerServiceDefinition service() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, answer) -> {
                    answer.onNext(named(text(request)));
                    answer.onCompleted();
                }))
                .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((request, answer) -> {
                    int n = Integer.parseInt(text(request));
                    for (int i = 1; i <= n; i++) {
                        answer.onNext(bytes(String.valueOf(i)));
                    }
                    answer.onCompleted();
                }))
                .addMethod(SUM, ServerCalls.asyncClientStreamingCall(answer -> new StreamObserver<byte[]>() {
                    private long total;

                    @Override
                    public void onNext(byte[] request) {
                        total += request.length;
                    }

                    @Override
                    public void onError(Throwable t) {
                        // the client went away: nothing to answer
                    }

                    @Override
                    public void onCompleted() {
                        answer.onNext(bytes(String.valueOf(total)));
                        answer.onCompleted();
                    }
                }))
                .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(answer -> new StreamObserver<byte[]>() {
                    @Override
                    public void onNext(byte[] request) {
                        answer.onNext(named(text(request)));
                    }

                    @Override
                    public void onError(Throwable t) {
                        // the client went away: nothing to answer
                    }

                    @Override
                    public void onCompleted() {
                        answer.onCompleted();
                    }
                }))
                .addMethod(
                        SLOW,
                        ServerCalls.asyncUnaryCall((request, answer) -> timers.schedule(
                                () -> {
                                    answer.onNext(bytes(name));
                                    answer.onCompleted();
                                },
                                Long.parseLong(text(request)),
                                TimeUnit.MILLISECONDS)))
                .addMethod(FAIL, ServerCalls.asyncUnaryCall((request, answer) -> {
                    String[] codeAndMessage = text(request).split(":", 2);
                    answer.onError(Status.fromCodeValue(Integer.parseInt(codeAndMessage[0]))
                            .withDescription(codeAndMessage.length > 1 ? codeAndMessage[1] : null)
                            .asRuntimeException());
                }))
                .addMethod(LARGE, ServerCalls.asyncUnaryCall((request, answer) -> {
                    answer.onNext(pattern(Integer.parseInt(text(request))));
                    answer.onCompleted();
                }))
                .build();
    }

    private byte[] named(String text) {
        return bytes(name + ":" + text);
    }

    /** {@code n} bytes of {@link PatternBody}'s pattern. */
    public static byte[] pattern(int n) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(n);
        try {
            PatternBody.write(out, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static String text(byte[] message) {
        return new String(message, StandardCharsets.UTF_8);
    }

    /** Counts each call and keeps its metadata. */
    private final class Recorder implements ServerInterceptor {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            lastHeaders = headers;
            calls.incrementAndGet();
            return next.startCall(call, headers);
        }
    }
}
