package io.serai.health;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The two messages of {@code grpc.health.v1.Health/Check} (grpc's doc/health-checking.md), written and read
 * by hand: {@code HealthCheckRequest { string service = 1; }} and {@code HealthCheckResponse { ServingStatus
 * status = 1; }}, each in gRPC's length-prefixed frame (a compressed flag, a 4-byte big-endian length).
 * A dozen bytes of protobuf do not justify protobuf-java (and its code generation) in Serai's main
 * classpath; the test checks these bytes against grpc-services' generated classes.
 */
public final class GrpcHealthMessages {

    /** The method a check calls, as the {@code :path} of its request. */
    public static final String CHECK_PATH = "/grpc.health.v1.Health/Check";

    /** {@code ServingStatus} of health.proto, in its numbering. */
    public enum ServingStatus {
        UNKNOWN,
        SERVING,
        NOT_SERVING,
        SERVICE_UNKNOWN
    }

    private static final int FRAME_HEAD = 5;
    private static final int FIELD_1_LENGTH_DELIMITED = (1 << 3) | 2;
    private static final int FIELD_1_VARINT = 1 << 3;

    private GrpcHealthMessages() {}

    /** The body of a check of {@code service} ("" for the server as a whole): one framed HealthCheckRequest. */
    public static byte[] checkRequest(String service) {
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        // proto3 leaves a field with its default value (the empty string) out.
        int messageLength = name.length == 0 ? 0 : 1 + varintSize(name.length) + name.length;
        ByteBuffer out = ByteBuffer.allocate(FRAME_HEAD + messageLength);
        out.put((byte) 0).putInt(messageLength);
        if (name.length > 0) {
            out.put((byte) FIELD_1_LENGTH_DELIMITED);
            putVarint(out, name.length);
            out.put(name);
        }
        return out.array();
    }

    /**
     * The status in a framed HealthCheckResponse ({@code body} is the whole response body); fields it does not
     * know are skipped, as protobuf readers do.
     *
     * @throws IllegalArgumentException when {@code body} is not one uncompressed framed message
     */
    public static ServingStatus checkResponse(byte[] body) {
        if (body.length < FRAME_HEAD) {
            throw new IllegalArgumentException("a gRPC message is at least 5 bytes; got " + body.length);
        }
        ByteBuffer in = ByteBuffer.wrap(body);
        if (in.get() != 0) {
            throw new IllegalArgumentException("the health answer is compressed; the check asked for none");
        }
        int length = in.getInt();
        if (length < 0 || length != in.remaining()) {
            throw new IllegalArgumentException(
                    "the health answer's frame says " + length + " bytes and " + in.remaining() + " follow");
        }
        int status = 0;
        while (in.hasRemaining()) {
            long tag = varint(in);
            int wireType = (int) (tag & 7);
            if (tag == FIELD_1_VARINT) {
                status = (int) varint(in);
                continue;
            }
            skip(in, wireType);
        }
        ServingStatus[] known = ServingStatus.values();
        // An enum value this side does not know reads as UNKNOWN: not healthy.
        return status >= 0 && status < known.length ? known[status] : ServingStatus.UNKNOWN;
    }

    private static void skip(ByteBuffer in, int wireType) {
        switch (wireType) {
            case 0 -> varint(in);
            case 1 -> skipBytes(in, 8);
            case 2 -> skipBytes(in, (int) varint(in));
            case 5 -> skipBytes(in, 4);
            default -> throw new IllegalArgumentException("protobuf wire type " + wireType + " in the health answer");
        }
    }

    private static void skipBytes(ByteBuffer in, int n) {
        if (n < 0 || n > in.remaining()) {
            throw new IllegalArgumentException("a field of the health answer runs past its end");
        }
        in.position(in.position() + n);
    }

    private static long varint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!in.hasRemaining()) {
                throw new IllegalArgumentException("the health answer ends inside a number");
            }
            byte b = in.get();
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("a number of the health answer is longer than 10 bytes");
    }

    private static void putVarint(ByteBuffer out, int value) {
        while ((value & ~0x7F) != 0) {
            out.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.put((byte) value);
    }

    private static int varintSize(int value) {
        int size = 1;
        while ((value & ~0x7F) != 0) {
            size++;
            value >>>= 7;
        }
        return size;
    }
}
