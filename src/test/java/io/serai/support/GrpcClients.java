package io.serai.support;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;

import javax.net.ssl.SSLException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * grpc-java clients (over its shaded Netty) for tests: to Serai or straight to a {@link GrpcBackend}, in
 * cleartext with prior knowledge (h2c) or over TLS trusting a test CA, and one-line calls of
 * {@link GrpcBackend}'s methods with a deadline, so no test waits unbounded.
 */
public final class GrpcClients {

    /** A call's deadline when a test gives none. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

    private GrpcClients() {}

    /** h2c with prior knowledge to {@code 127.0.0.1:port}. */
    public static ManagedChannel plaintext(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .maxInboundMessageSize(GrpcBackend.MAX_MESSAGE)
                .build();
    }

    /** h2 over TLS (ALPN) to {@code 127.0.0.1:port}, trusting {@code ca} and checking {@code authority}'s name. */
    public static ManagedChannel tls(int port, X509Certificate ca, String authority) throws SSLException {
        return NettyChannelBuilder.forAddress("127.0.0.1", port)
                .sslContext(GrpcSslContexts.forClient().trustManager(ca).build())
                .overrideAuthority(authority)
                .maxInboundMessageSize(GrpcBackend.MAX_MESSAGE)
                .build();
    }

    /** A unary call of {@code method} with {@link #DEFAULT_DEADLINE}; throws StatusRuntimeException on a non-OK status. */
    public static byte[] unary(
            ManagedChannel channel, io.grpc.MethodDescriptor<byte[], byte[]> method, byte[] request) {
        return unary(channel, method, request, DEFAULT_DEADLINE);
    }

    public static byte[] unary(
            ManagedChannel channel,
            io.grpc.MethodDescriptor<byte[], byte[]> method,
            byte[] request,
            Duration deadline) {
        return ClientCalls.blockingUnaryCall(channel, method, options(deadline), request);
    }

    /** Call options with a deadline {@code deadline} from now. */
    public static CallOptions options(Duration deadline) {
        return CallOptions.DEFAULT.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Closes {@code channel} and its connections, waiting a bounded time. */
    public static void close(ManagedChannel channel) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
