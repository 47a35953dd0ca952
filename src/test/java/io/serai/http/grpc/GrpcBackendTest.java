package io.serai.http.grpc;

import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.serai.support.GrpcBackend;
import io.serai.support.GrpcClients;
import io.serai.support.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.serai.support.GrpcBackend.bytes;
import static io.serai.support.GrpcBackend.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The gRPC test backend, called straight by grpc-java (no Serai): each method does what the tests that
 * put Serai between them rely on, so a failure there is Serai's.
 */
@Timeout(30)
class GrpcBackendTest {

    static GrpcBackend backend;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        backend = GrpcBackend.start("b1");
        channel = GrpcClients.plaintext(backend.port());
    }

    @AfterAll
    static void stop() {
        GrpcClients.close(channel);
        backend.stop();
    }

    @Test
    void unaryEchoAnswersWithTheBackendsName() {
        assertEquals("b1:hello", text(GrpcClients.unary(channel, GrpcBackend.ECHO, bytes("hello"))));
    }

    @Test
    void serverStreamingAnswersNMessages() {
        Iterator<byte[]> answers = ClientCalls.blockingServerStreamingCall(
                channel, GrpcBackend.COUNT, GrpcClients.options(GrpcClients.DEFAULT_DEADLINE), bytes("5"));
        List<String> got = new ArrayList<>();
        answers.forEachRemaining(a -> got.add(text(a)));
        assertEquals(List.of("1", "2", "3", "4", "5"), got);
    }

    @Test
    void clientStreamingCountsTheBytesOfEveryMessage() throws Exception {
        CompletableFuture<String> total = new CompletableFuture<>();
        StreamObserver<byte[]> requests = ClientCalls.asyncClientStreamingCall(
                channel.newCall(GrpcBackend.SUM, GrpcClients.options(GrpcClients.DEFAULT_DEADLINE)),
                observer(new CopyOnWriteArrayList<>(), total));
        requests.onNext(new byte[1000]);
        requests.onNext(new byte[24]);
        requests.onCompleted();
        assertEquals("1024", total.get(10, TimeUnit.SECONDS));
    }

    @Test
    void bidiEchoesEachMessageAsItComes() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        CompletableFuture<String> done = new CompletableFuture<>();
        ClientCall<byte[], byte[]> call =
                channel.newCall(GrpcBackend.CHAT, GrpcClients.options(GrpcClients.DEFAULT_DEADLINE));
        StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(call, observer(got, done));
        requests.onNext(bytes("a"));
        requests.onNext(bytes("b"));
        requests.onCompleted();
        done.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("b1:a", "b1:b"), got);
    }

    @Test
    void aSlowCallPastItsDeadlineEndsDeadlineExceeded() {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> GrpcClients.unary(channel, GrpcBackend.SLOW, bytes("5000"), Duration.ofMillis(200)));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    }

    @Test
    void failAnswersTheChosenStatusAndMessage() {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> GrpcClients.unary(channel, GrpcBackend.FAIL, bytes("5:no such thing ä")));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertEquals("no such thing ä", e.getStatus().getDescription());
    }

    @Test
    void largeAnswersEightMebibytesOfThePattern() {
        int size = 8 * 1024 * 1024;
        assertArrayEquals(
                GrpcBackend.pattern(size), GrpcClients.unary(channel, GrpcBackend.LARGE, bytes(String.valueOf(size))));
    }

    @Test
    void theBackendSeesTheTimeLeftInGrpcTimeout() {
        GrpcClients.unary(channel, GrpcBackend.ECHO, bytes("t"), Duration.ofSeconds(7));
        String timeout = backend.lastHeaders()
                .get(io.grpc.Metadata.Key.of("grpc-timeout", io.grpc.Metadata.ASCII_STRING_MARSHALLER));
        Duration given = GrpcTimeout.parse(timeout);
        assertEquals(true, given.compareTo(Duration.ofSeconds(7)) <= 0 && given.compareTo(Duration.ofSeconds(6)) > 0);
    }

    @Test
    void healthAnswersWhatTheTestSet() {
        HealthGrpc.HealthBlockingStub health =
                HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        HealthCheckRequest check =
                HealthCheckRequest.newBuilder().setService(GrpcBackend.SERVICE).build();
        assertEquals(ServingStatus.SERVING, health.check(check).getStatus());
        backend.health(GrpcBackend.SERVICE, ServingStatus.NOT_SERVING);
        try {
            assertEquals(ServingStatus.NOT_SERVING, health.check(check).getStatus());
        } finally {
            backend.health(GrpcBackend.SERVICE, ServingStatus.SERVING);
        }
    }

    @Test
    void overTlsTheSameServiceAnswers() throws Exception {
        TestCertificates ca = TestCertificates.authority("grpc test CA");
        try (GrpcBackend secure = GrpcBackend.startTls("tls", ca.issue("backend.test"))) {
            ManagedChannel tls = GrpcClients.tls(secure.port(), ca.ca(), "backend.test");
            try {
                assertEquals("tls:x", text(GrpcClients.unary(tls, GrpcBackend.ECHO, bytes("x"))));
            } finally {
                GrpcClients.close(tls);
            }
        }
    }

    @Test
    void aStoppedBackendIsUnavailableLikeACrashedOne() throws Exception {
        GrpcBackend doomed = GrpcBackend.start("doomed");
        ManagedChannel toDoomed = GrpcClients.plaintext(doomed.port());
        try {
            assertEquals("doomed:x", text(GrpcClients.unary(toDoomed, GrpcBackend.ECHO, bytes("x"))));
            doomed.stop();
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> GrpcClients.unary(toDoomed, GrpcBackend.ECHO, bytes("x"), Duration.ofSeconds(5)));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        } finally {
            GrpcClients.close(toDoomed);
        }
    }

    private static StreamObserver<byte[]> observer(List<String> got, CompletableFuture<String> done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
                got.add(text(value));
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(got.isEmpty() ? "" : got.get(got.size() - 1));
            }
        };
    }
}
