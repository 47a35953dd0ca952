package io.serai.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 by prior knowledge, frame by frame, over a plain socket: for what a well-behaved client library
 * will not send (connection-specific fields, floods of resets or CONTINUATION frames, a window never
 * updated). HPACK is Netty's encoder and decoder, used directly.
 */
final class RawH2 implements AutoCloseable {

    static final int DATA = 0;
    static final int HEADERS = 1;
    static final int RST_STREAM = 3;
    static final int SETTINGS = 4;
    static final int PING = 6;
    static final int GOAWAY = 7;
    static final int WINDOW_UPDATE = 8;
    static final int CONTINUATION = 9;

    static final int END_STREAM = 0x1;
    static final int ACK = 0x1;
    static final int END_HEADERS = 0x4;

    static final long PROTOCOL_ERROR = 0x1;
    static final long REFUSED_STREAM = 0x7;
    static final long CANCEL = 0x8;
    static final long ENHANCE_YOUR_CALM = 0xb;

    /** A frame as read. */
    record Frame(int type, int flags, int stream, byte[] payload) {
        long errorCode() {
            ByteBuffer b = ByteBuffer.wrap(payload);
            return Integer.toUnsignedLong(type == GOAWAY ? b.getInt(4) : b.getInt(0));
        }
    }

    /** How a stream ended, as far as the client saw: a response head (and body), a reset, or a GOAWAY. */
    record Outcome(Http2Headers headers, byte[] body, Frame reset, Frame goAway) {
        int status() {
            return headers == null ? -1 : Integer.parseInt(headers.status().toString());
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
    final int port;

    private RawH2(Socket socket, int port) throws IOException {
        this.socket = socket;
        this.port = port;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
        socket.setSoTimeout(10_000);
    }

    /**
     * Connects, sends the preface and SETTINGS (with {@code initialWindow} when positive), and acknowledges
     * Serai's SETTINGS.
     */
    static RawH2 connect(int port, int initialWindow) throws IOException {
        return connect(port, initialWindow, true);
    }

    /** As {@link #connect(int, int)}; {@code ack} false: Serai's SETTINGS are never acknowledged. */
    static RawH2 connect(int port, int initialWindow, boolean ack) throws IOException {
        RawH2 h2 = new RawH2(new Socket(InetAddress.getLoopbackAddress(), port), port);
        h2.out.write(ByteBufUtil.getBytes(Http2CodecUtil.connectionPrefaceBuf()));
        ByteBuffer settings = ByteBuffer.allocate(initialWindow > 0 ? 6 : 0);
        if (initialWindow > 0) {
            settings.putShort((short) 0x4).putInt(initialWindow);
        }
        h2.frame(SETTINGS, 0, 0, settings.array());
        // Serai's SETTINGS, acknowledged: its limits apply from then on (RFC 9113 §6.5.3).
        Frame first = h2.read();
        if (first.type() != SETTINGS || (first.flags() & ACK) != 0) {
            throw new IOException("expected SETTINGS first, got " + first);
        }
        if (ack) {
            h2.frame(SETTINGS, ACK, 0, new byte[0]);
        }
        return h2;
    }

    static RawH2 connect(int port) throws IOException {
        return connect(port, 0);
    }

    /** A GET's pseudo-headers for {@code path} with this connection's authority. */
    Http2Headers get(String path) {
        return new DefaultHttp2Headers(false)
                .method("GET")
                .scheme("http")
                .path(path)
                .authority("127.0.0.1:" + port);
    }

    byte[] block(int stream, Http2Headers headers) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        try {
            encoder.encodeHeaders(stream, headers, buf);
            return ByteBufUtil.getBytes(buf);
        } catch (Http2Exception e) {
            throw new IOException(e);
        } finally {
            buf.release();
        }
    }

    /** HEADERS, and CONTINUATION frames when the block is over the 16 KiB default frame size. */
    void headers(int stream, Http2Headers headers, boolean endStream) throws IOException {
        byte[] block = block(stream, headers);
        int max = 16 * 1024;
        for (int from = 0; from == 0 || from < block.length; from += max) {
            int to = Math.min(block.length, from + max);
            int flags = (to == block.length ? END_HEADERS : 0) | (from == 0 && endStream ? END_STREAM : 0);
            frame(from == 0 ? HEADERS : CONTINUATION, flags, stream, java.util.Arrays.copyOfRange(block, from, to));
        }
    }

    void data(int stream, byte[] bytes, boolean endStream) throws IOException {
        frame(DATA, endStream ? END_STREAM : 0, stream, bytes);
    }

    void reset(int stream, long code) throws IOException {
        frame(RST_STREAM, 0, stream, ByteBuffer.allocate(4).putInt((int) code).array());
    }

    void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(header(type, flags, stream, payload.length));
        out.write(payload);
        out.flush();
    }

    static byte[] header(int type, int flags, int stream, int length) {
        return ByteBuffer.allocate(9)
                .put((byte) (length >>> 16))
                .put((byte) (length >>> 8))
                .put((byte) length)
                .put((byte) type)
                .put((byte) flags)
                .putInt(stream)
                .array();
    }

    /** The raw output, for floods written as fast as the socket takes them. */
    OutputStream out() {
        return out;
    }

    Frame read() throws IOException {
        int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(type, flags, stream, payload);
    }

    /** Reads until {@code stream} ends (its response whole, or a reset) or the connection gets GOAWAY. */
    Outcome await(int stream) throws IOException {
        Http2Headers head = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            Frame f = read();
            if (f.type() == GOAWAY) {
                return new Outcome(head, body.toByteArray(), null, f);
            }
            if (f.stream() != stream) {
                continue;
            }
            if (f.type() == RST_STREAM) {
                return new Outcome(head, body.toByteArray(), f, null);
            }
            if (f.type() == HEADERS && head == null) {
                head = decode(f);
            } else if (f.type() == DATA) {
                body.write(f.payload());
                if (f.payload().length > 0) {
                    // Keep the windows open: this client reads everything.
                    frame(
                            WINDOW_UPDATE,
                            0,
                            0,
                            ByteBuffer.allocate(4).putInt(f.payload().length).array());
                    frame(
                            WINDOW_UPDATE,
                            0,
                            stream,
                            ByteBuffer.allocate(4).putInt(f.payload().length).array());
                }
            }
            if ((f.flags() & END_STREAM) != 0) {
                return new Outcome(head, body.toByteArray(), null, null);
            }
        }
    }

    /** Reads until GOAWAY or the end of the connection: the GOAWAY, or null if it closed without one. */
    Frame awaitGoAway() throws IOException {
        try {
            while (true) {
                Frame f = read();
                if (f.type() == GOAWAY) {
                    return f;
                }
            }
        } catch (EOFException | java.net.SocketException closed) {
            return null;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("neither GOAWAY nor a close within 10 s", e);
        }
    }

    /** The header block of a HEADERS frame {@link #read} returned (without CONTINUATION frames). */
    Http2Headers decode(Frame f) throws IOException {
        ByteBuf buf = Unpooled.wrappedBuffer(f.payload());
        try {
            return decoder.decodeHeaders(f.stream(), buf);
        } catch (Http2Exception e) {
            throw new IOException(e);
        } finally {
            buf.release();
        }
    }

    static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
