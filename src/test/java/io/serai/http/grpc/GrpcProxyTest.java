package io.serai.http.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.serai.support.GrpcBackend;
import io.serai.support.GrpcClients;
import io.serai.support.RunningSerai;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 23: a grpc-java client talks to grpc-java servers through Serai, h2c at both ends, over a
 * round robin of two {@code ?protocol=h2} members: unary and the three streaming kinds, statuses and
 * messages from the backend's trailers, a deadline, a backend that is down, and a large message.
 */
@Timeout(60)
class GrpcProxyTest {

    @TempDir
    Path dir;

    /** One Serai over two members for the tests that leave them as they found them. */
    private static GrpcBackend sharedOne;

    private static GrpcBackend sharedTwo;
    private static RunningSerai shared;
    private static ManagedChannel channel;

    @BeforeAll
    static void startShared(@TempDir Path sharedDir) throws Exception {
        sharedOne = GrpcBackend.start("one");
        sharedTwo = GrpcBackend.start("two");
        shared = serai(sharedOne, sharedTwo, sharedDir);
        channel = GrpcClients.plaintext(shared.port());
    }

    @AfterAll
    static void stopShared() throws Exception {
        GrpcClients.close(channel);
        shared.close();
        sharedOne.close();
        sharedTwo.close();
    }

    private static final String ROUTE = """
            - route:
                id: grpc
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        roundRobinLoadBalancer: {}
                        steps:
                          - to: "netty-http:{{b1}}?protocol=h2"
                          - to: "netty-http:{{b2}}?protocol=h2"
            """;

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void unaryCallsAreBalancedPerCallOverOneClientConnection() throws Exception {
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            String answer = text(GrpcClients.unary(channel, GrpcBackend.ECHO, text("hi " + i)));
            served.merge(answer.substring(0, answer.indexOf(':')), 1, Integer::sum);
            assertTrue(answer.endsWith(":hi " + i), answer);
        }
        assertEquals(Map.of("one", 5, "two", 5), served);
    }

    @Test
    void theThreeStreamingKindsPassThrough() throws Exception {
        // Server streaming: 50 answers to one request.
        Iterator<byte[]> counted = ClientCalls.blockingServerStreamingCall(
                channel, GrpcBackend.COUNT, GrpcClients.options(Duration.ofSeconds(10)), text("50"));
        List<String> numbers = new ArrayList<>();
        counted.forEachRemaining(b -> numbers.add(text(b)));
        assertEquals(50, numbers.size());
        assertEquals("50", numbers.get(49));

        // Client streaming: 20 requests of 1000 bytes, one answer.
        CompletableFuture<String> sum = new CompletableFuture<>();
        StreamObserver<byte[]> requests = ClientCalls.asyncClientStreamingCall(
                channel.newCall(GrpcBackend.SUM, GrpcClients.options(Duration.ofSeconds(10))),
                observer(sum, new CopyOnWriteArrayList<>()));
        for (int i = 0; i < 20; i++) {
            requests.onNext(new byte[1000]);
        }
        requests.onCompleted();
        assertEquals("20000", sum.get(10, TimeUnit.SECONDS));

        // Bidi: each request answered as it comes, before the client finishes.
        List<String> chat = new CopyOnWriteArrayList<>();
        CompletableFuture<String> chatDone = new CompletableFuture<>();
        StreamObserver<byte[]> lines = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(GrpcBackend.CHAT, GrpcClients.options(Duration.ofSeconds(10))),
                observer(chatDone, chat));
        for (int i = 0; i < 5; i++) {
            lines.onNext(text("line " + i));
            int expected = i + 1;
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> chat.size() == expected);
        }
        lines.onCompleted();
        chatDone.get(10, TimeUnit.SECONDS);
        assertTrue(chat.get(4).endsWith(":line 4"), chat.toString());
    }

    @Test
    void theBackendsStatusAndMessageReachTheClientFromItsTrailers() throws Exception {
        StatusRuntimeException failed = assertThrows(
                StatusRuntimeException.class,
                () -> GrpcClients.unary(channel, GrpcBackend.FAIL, text("5:no such thing é")));
        assertEquals(Status.Code.NOT_FOUND, failed.getStatus().getCode());
        assertEquals("no such thing é", failed.getStatus().getDescription());
    }

    @Test
    void aDeadlineShorterThanTheCallIsDeadlineExceededAndTheBackendWasGivenIt() throws Exception {
        try (GrpcBackend one = GrpcBackend.start("one");
                GrpcBackend two = GrpcBackend.start("two");
                RunningSerai serai = serai(one, two)) {
            ManagedChannel channel = GrpcClients.plaintext(serai.port());
            try {
                // Both members' connections open (and their classes loaded) before the timed call.
                GrpcClients.unary(channel, GrpcBackend.ECHO, text("warm"));
                GrpcClients.unary(channel, GrpcBackend.ECHO, text("warm"));
                StatusRuntimeException late = assertThrows(
                        StatusRuntimeException.class,
                        () -> GrpcClients.unary(channel, GrpcBackend.SLOW, text("3000"), Duration.ofMillis(500)));
                assertEquals(Status.Code.DEADLINE_EXCEEDED, late.getStatus().getCode());
                io.grpc.Metadata.Key<String> grpcTimeout =
                        io.grpc.Metadata.Key.of("grpc-timeout", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
                // Round robin: the third call went to the first member, which was told the time left.
                assertEquals(2, one.calls());
                String timeout = one.lastHeaders().get(grpcTimeout);
                assertTrue(timeout != null && timeout.matches("\\d{1,8}[HMSmun]"), String.valueOf(timeout));
            } finally {
                GrpcClients.close(channel);
            }
        }
    }

    @Test
    void aBackendThatIsDownIsUnavailableNeverAnHttpError() throws Exception {
        GrpcBackend one = GrpcBackend.start("one");
        GrpcBackend two = GrpcBackend.start("two");
        try (RunningSerai serai = serai(one, two)) {
            one.stop();
            two.stop();
            ManagedChannel channel = GrpcClients.plaintext(serai.port());
            try {
                StatusRuntimeException down = assertThrows(
                        StatusRuntimeException.class, () -> GrpcClients.unary(channel, GrpcBackend.ECHO, text("x")));
                assertEquals(
                        Status.Code.UNAVAILABLE,
                        down.getStatus().getCode(),
                        down.getStatus().toString());
            } finally {
                GrpcClients.close(channel);
            }
        } finally {
            one.close();
            two.close();
        }
    }

    @Test
    void anEightMebibyteMessageGoesThroughWhole() throws Exception {
        byte[] large = GrpcClients.unary(channel, GrpcBackend.LARGE, text(String.valueOf(8 << 20)));
        assertEquals(8 << 20, large.length);
        byte[] again = GrpcClients.unary(channel, GrpcBackend.LARGE, text(String.valueOf(8 << 20)));
        assertArrayEquals(large, again);
    }

    private RunningSerai serai(GrpcBackend one, GrpcBackend two) throws Exception {
        return serai(one, two, dir);
    }

    private static RunningSerai serai(GrpcBackend one, GrpcBackend two, Path dir) throws Exception {
        return RunningSerai.routes(ROUTE)
                .property("b1", "http://" + one.hostPort())
                .property("b2", "http://" + two.hostPort())
                .start(dir);
    }

    private static StreamObserver<byte[]> observer(CompletableFuture<String> done, List<String> seen) {
        return new StreamObserver<>() {
            private String last;

            @Override
            public void onNext(byte[] value) {
                last = text(value);
                seen.add(last);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(last);
            }
        };
    }
}
