package io.serai.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that reads a response as it arrives rather than whole: its head, then chunk by chunk, byte
 * count by byte count or server-sent event by event, each read timed by the caller; and that writes a
 * request body in pieces (chunked or not), counting what the socket took. With a small receive buffer
 * it shows how much a proxy pushes at a client that reads nothing.
 */
public final class StreamingClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final AtomicLong sent = new AtomicLong();
    private final StringBuilder events = new StringBuilder();

    private StreamingClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static StreamingClient connect(int port) throws IOException {
        return connect(port, 0);
    }

    /** With a socket receive buffer of {@code receiveBuffer} bytes (0: the system's). */
    public static StreamingClient connect(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setSoTimeout(15_000);
        return new StreamingClient(socket);
    }

    // ---- writing ----

    public StreamingClient send(String raw) throws IOException {
        return send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Bytes as they are; {@link #bytesSent} counts them once the socket has taken them. */
    public StreamingClient send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        sent.addAndGet(raw.length);
        return this;
    }

    /** One chunk of a chunked request body. */
    public StreamingClient chunk(byte[] bytes) throws IOException {
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        sent.addAndGet(bytes.length);
        return this;
    }

    public StreamingClient chunk(String text) throws IOException {
        return chunk(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The last chunk of a chunked request body. */
    public StreamingClient endChunks() throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Body bytes (and raw bytes) the socket has taken so far. */
    public long bytesSent() {
        return sent.get();
    }

    // ---- reading ----

    /** The status line and header section of the next response. */
    public RawResponse readHead() throws IOException {
        String status = HttpWire.readLine(in);
        if (status == null) {
            throw new EOFException("connection closed before a response");
        }
        String[] parts = status.split(" ", 3);
        List<Map.Entry<String, String>> headers = HttpWire.readHeaders(in);
        return new RawResponse(parts[0], Integer.parseInt(parts[1]), headers, new byte[0]);
    }

    /** The next chunk of a chunked response body; null at its last chunk; EOFException when cut short. */
    public byte[] readChunk() throws IOException {
        String size = HttpWire.readLine(in);
        if (size == null) {
            throw new EOFException("connection closed before the last chunk");
        }
        int n = Integer.parseInt(size.split(";")[0].trim(), 16);
        if (n == 0) {
            String trailer;
            while ((trailer = HttpWire.readLine(in)) != null && !trailer.isEmpty()) {
                // trailer fields: not needed
            }
            return null;
        }
        byte[] chunk = in.readNBytes(n);
        if (chunk.length < n || HttpWire.readLine(in) == null) {
            throw new EOFException("connection closed inside a chunk");
        }
        return chunk;
    }

    /**
     * The next server-sent event of a chunked {@code text/event-stream} body, without its blank line;
     * null when the stream ended.
     */
    public String readEvent() throws IOException {
        while (true) {
            int end = events.indexOf("\n\n");
            if (end >= 0) {
                String event = events.substring(0, end);
                events.delete(0, end + 2);
                return event;
            }
            byte[] chunk = readChunk();
            if (chunk == null) {
                return null;
            }
            events.append(new String(chunk, StandardCharsets.UTF_8));
        }
    }

    /** Exactly {@code n} bytes of a body; fewer when the connection closes first. */
    public byte[] readBytes(int n) throws IOException {
        return in.readNBytes(n);
    }

    /** The rest of a body framed as {@code head} says (Content-Length, chunked, or to the close). */
    public byte[] readBody(RawResponse head) throws IOException {
        if (head.header("Content-Length") != null || head.header("Transfer-Encoding") != null) {
            return HttpWire.readBody(in, head.headers());
        }
        return in.readAllBytes();
    }

    /** Whatever arrives until the connection closes (or resets), at most {@code timeoutMillis} per read. */
    public byte[] readToClose(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) != -1) {
                all.write(buf, 0, n);
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the connection was still open after " + all.size() + " bytes");
        } catch (IOException reset) {
            // a reset ends it too
        }
        return all.toByteArray();
    }

    /** True when the server closed the connection within {@code millis} (no byte arrives first). */
    public boolean closedWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
