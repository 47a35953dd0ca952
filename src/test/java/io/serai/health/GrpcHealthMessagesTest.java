package io.serai.health;

import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.serai.support.GrpcBackend;
import io.serai.support.GrpcClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Serai's hand-written grpc.health.v1 messages are byte for byte what grpc-services' generated classes
 * write and read, and a real grpc-java health service answers them.
 */
@Timeout(30)
class GrpcHealthMessagesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "serai.test.Backend",
                "a.very.long.service.name.that.needs.a.two.byte.length.prefix"
                        + ".because.it.is.longer.than.one.hundred.and.twenty.seven.bytes.which.is.what.one.varint.byte.holds.x"
            })
    void aCheckRequestIsWhatTheGeneratedClassWrites(String service) {
        byte[] generated =
                HealthCheckRequest.newBuilder().setService(service).build().toByteArray();
        assertArrayEquals(framed(generated), GrpcHealthMessages.checkRequest(service));
    }

    @ParameterizedTest
    @EnumSource(
            value = HealthCheckResponse.ServingStatus.class,
            names = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"})
    void aCheckResponseReadsAsTheGeneratedClassWroteIt(HealthCheckResponse.ServingStatus status) {
        byte[] generated =
                HealthCheckResponse.newBuilder().setStatus(status).build().toByteArray();
        assertEquals(
                status.name(),
                GrpcHealthMessages.checkResponse(framed(generated)).name());
    }

    @Test
    void fieldsTheCheckDoesNotKnowAreSkipped() {
        // field 2 (bytes "xy"), field 3 (varint 300), field 4 (fixed32), then status = NOT_SERVING
        byte[] message = {0x12, 2, 'x', 'y', 0x18, (byte) 0xAC, 0x02, 0x25, 1, 2, 3, 4, 0x08, 2};
        assertEquals(GrpcHealthMessages.ServingStatus.NOT_SERVING, GrpcHealthMessages.checkResponse(framed(message)));
    }

    @Test
    void aStatusThisSideDoesNotKnowIsUnknown() {
        assertEquals(
                GrpcHealthMessages.ServingStatus.UNKNOWN, GrpcHealthMessages.checkResponse(framed(new byte[] {8, 9})));
    }

    @Test
    void aBrokenAnswerIsRefusedNotGuessedAt() {
        assertThrows(IllegalArgumentException.class, () -> GrpcHealthMessages.checkResponse(new byte[] {0, 0, 0}));
        assertThrows(
                IllegalArgumentException.class, () -> GrpcHealthMessages.checkResponse(new byte[] {1, 0, 0, 0, 0}));
        assertThrows(
                IllegalArgumentException.class, () -> GrpcHealthMessages.checkResponse(new byte[] {0, 0, 0, 0, 9, 8}));
        assertThrows(
                IllegalArgumentException.class,
                () -> GrpcHealthMessages.checkResponse(framed(new byte[] {0x12, 5, 1})));
    }

    @Test
    void aRealHealthServiceAnswersTheseBytes() throws Exception {
        MethodDescriptor<byte[], byte[]> check = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(GrpcHealthMessages.CHECK_PATH.substring(1))
                .setRequestMarshaller(GrpcBackend.BYTES)
                .setResponseMarshaller(GrpcBackend.BYTES)
                .build();
        try (GrpcBackend backend = GrpcBackend.start("health")) {
            ManagedChannel channel = GrpcClients.plaintext(backend.port());
            try {
                assertEquals(GrpcHealthMessages.ServingStatus.SERVING, ask(channel, check, GrpcBackend.SERVICE));
                backend.health(GrpcBackend.SERVICE, HealthCheckResponse.ServingStatus.NOT_SERVING);
                assertEquals(GrpcHealthMessages.ServingStatus.NOT_SERVING, ask(channel, check, GrpcBackend.SERVICE));
                assertEquals(GrpcHealthMessages.ServingStatus.SERVING, ask(channel, check, ""));
            } finally {
                GrpcClients.close(channel);
            }
        }
    }

    /** grpc-java frames messages itself: Serai's frame comes off the request and goes back on the answer. */
    private static GrpcHealthMessages.ServingStatus ask(
            ManagedChannel channel, MethodDescriptor<byte[], byte[]> check, String service) {
        byte[] request = GrpcHealthMessages.checkRequest(service);
        byte[] answer = GrpcClients.unary(channel, check, Arrays.copyOfRange(request, 5, request.length));
        return GrpcHealthMessages.checkResponse(framed(answer));
    }

    private static byte[] framed(byte[] message) {
        return ByteBuffer.allocate(5 + message.length)
                .put((byte) 0)
                .putInt(message.length)
                .put(message)
                .array();
    }
}
