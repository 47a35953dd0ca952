package io.serai.http.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/**
 * The base64 of {@code application/grpc-web-text}, chunk by chunk: no body is held whole, only the 0 to 3
 * characters (decoding) or 0 to 2 bytes (encoding) that do not complete a group are carried to the next chunk.
 * Netty's {@code Base64} and the JDK's work on whole inputs: a chunk boundary inside a group, or a client
 * that pads each message it sends (PROTOCOL-WEB.md allows it), would need a copy of everything first.
 */
public final class GrpcWebText {

    private static final byte[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] VALUES = new byte[128];
    private static final byte PAD = -2;

    static {
        java.util.Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = (byte) i;
        }
        VALUES['='] = PAD;
    }

    private GrpcWebText() {}

    /** Thrown for a character that is not base64 or padding where no padding may be. */
    public static final class NotBase64Exception extends IllegalArgumentException {
        NotBase64Exception(String message) {
            super(message);
        }
    }

    /**
     * Turns a request body's base64 into the bytes of its gRPC frames. Each group of four characters stands
     * alone, so a body made of separately padded messages decodes as one written in a single run.
     */
    public static final class Decoder {
        private final byte[] carry = new byte[4];
        private int carried;

        /** The bytes of {@code chunk}'s complete groups (with those carried from before); {@code chunk} is released. */
        public ByteBuf decode(ByteBuf chunk, ByteBufAllocator alloc) {
            try {
                // on arrays, not byte by byte on the buffer: each buffer access costs far more than a byte's work
                byte[] in = ByteBufUtil.getBytes(chunk);
                byte[] out = new byte[(carried + in.length) / 4 * 3];
                int written = 0;
                for (byte character : in) {
                    carry[carried++] = character;
                    if (carried == 4) {
                        written = group(out, written);
                        carried = 0;
                    }
                }
                return alloc.buffer(written).writeBytes(out, 0, written);
            } finally {
                chunk.release();
            }
        }

        /** The body ended: a group left incomplete is malformed. */
        public void end() {
            if (carried != 0) {
                throw new NotBase64Exception("grpc-web-text body ends inside a base64 group");
            }
        }

        private int group(byte[] out, int at) {
            int a = value(carry[0], false);
            int b = value(carry[1], false);
            int c = value(carry[2], true);
            int d = value(carry[3], true);
            if (c == PAD && d != PAD) {
                throw new NotBase64Exception("base64 padding followed by data inside a group");
            }
            out[at++] = (byte) ((a << 2) | (b >> 4));
            if (c != PAD) {
                out[at++] = (byte) (((b & 0xF) << 4) | (c >> 2));
                if (d != PAD) {
                    out[at++] = (byte) (((c & 0x3) << 6) | d);
                }
            }
            return at;
        }

        private static int value(byte character, boolean padAllowed) {
            int v = character >= 0 ? VALUES[character] : -1;
            if (v == -1 || (v == PAD && !padAllowed)) {
                throw new NotBase64Exception("not base64: character " + (character & 0xFF));
            }
            return v;
        }
    }

    /**
     * Turns a response body's bytes into base64 as one run, as Envoy's grpc_web filter does: the bytes that do
     * not fill a group of three wait for the next chunk (at most two), and {@link #end} pads the last group.
     */
    public static final class Encoder {
        private final byte[] carry = new byte[2];
        private int carried;

        /** The base64 of {@code chunk}'s complete groups (with those carried from before); {@code chunk} is released. */
        public ByteBuf encode(ByteBuf chunk, ByteBufAllocator alloc) {
            try {
                // on arrays, not byte by byte on the buffer (see Decoder#decode)
                byte[] in = ByteBufUtil.getBytes(chunk);
                byte[] out = new byte[(carried + in.length) / 3 * 4];
                int read = 0;
                int written = 0;
                if (carried > 0 && carried + in.length >= 3) {
                    int b0 = carry[0] & 0xFF;
                    int b1 = carried == 2 ? carry[1] & 0xFF : in[read++] & 0xFF;
                    int b2 = in[read++] & 0xFF;
                    written = write(out, written, b0, b1, b2);
                    carried = 0;
                }
                while (in.length - read >= 3) {
                    written = write(out, written, in[read] & 0xFF, in[read + 1] & 0xFF, in[read + 2] & 0xFF);
                    read += 3;
                }
                while (read < in.length) {
                    carry[carried++] = in[read++];
                }
                return alloc.buffer(written).writeBytes(out, 0, written);
            } finally {
                chunk.release();
            }
        }

        /** The last group, padded: empty when the bytes so far filled whole groups. */
        public ByteBuf end(ByteBufAllocator alloc) {
            ByteBuf out = alloc.buffer(4);
            if (carried == 1) {
                int b0 = carry[0] & 0xFF;
                out.writeByte(ALPHABET[b0 >> 2])
                        .writeByte(ALPHABET[(b0 & 0x3) << 4])
                        .writeByte('=')
                        .writeByte('=');
            } else if (carried == 2) {
                int b0 = carry[0] & 0xFF;
                int b1 = carry[1] & 0xFF;
                out.writeByte(ALPHABET[b0 >> 2])
                        .writeByte(ALPHABET[((b0 & 0x3) << 4) | (b1 >> 4)])
                        .writeByte(ALPHABET[(b1 & 0xF) << 2])
                        .writeByte('=');
            }
            carried = 0;
            return out;
        }

        private static int write(byte[] out, int at, int b0, int b1, int b2) {
            out[at] = ALPHABET[b0 >> 2];
            out[at + 1] = ALPHABET[((b0 & 0x3) << 4) | (b1 >> 4)];
            out[at + 2] = ALPHABET[((b1 & 0xF) << 2) | (b2 >> 6)];
            out[at + 3] = ALPHABET[b2 & 0x3F];
            return at + 4;
        }
    }
}
