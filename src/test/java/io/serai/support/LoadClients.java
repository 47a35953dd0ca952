package io.serai.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Clients on raw sockets for the memory and speed tests: large bodies made and checked as they pass
 * ({@link PatternBody}), never held whole, and many idle streams held open at once.
 */
public final class LoadClients {

    private static final int READ_TIMEOUT_MILLIS = 30_000;

    private LoadClients() {}

    /** One body's trip: the status, the bytes that arrived, whether they were all the pattern's, how long it took. */
    public record Transfer(int status, long bytes, boolean intact, Duration took) {
        public double mibPerSecond() {
            return bytes / 1048576.0 / (took.toNanos() / 1e9);
        }
    }

    /** GET {@code path} on a new connection, its body read to its end and checked against the pattern. */
    public static Transfer download(int port, String path) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = connect(port)) {
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: load\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            int status = status(HttpWire.readLine(in));
            PatternBody.Check body = PatternBody.read(FramedBody.of(in, HttpWire.readHeaders(in), true));
            return new Transfer(status, body.bytes(), body.intact(), Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /**
     * POST of {@code n} pattern bytes (Content-Length) to {@code path} on a new connection; the bytes and
     * the check are what the {@link LoadBackend} answered it received.
     */
    public static Transfer upload(int port, String path, long n) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = connect(port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: load\r\nContent-Type: application/octet-stream\r\n"
                            + "Content-Length: " + n + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            PatternBody.write(out, n);
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            int status = status(HttpWire.readLine(in));
            String answer = new String(
                    FramedBody.of(in, HttpWire.readHeaders(in), true).readAllBytes(), StandardCharsets.US_ASCII);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String[] parts = answer.split(" ");
            boolean understood = status == 200 && parts.length == 2;
            return new Transfer(
                    status, understood ? Long.parseLong(parts[0]) : -1, understood && parts[1].equals("intact"), took);
        }
    }

    /** A kind of long-lived stream a test holds many of: how to ask for one, and how to know it is open. */
    public interface IdleStream {
        void request(Socket socket) throws IOException;

        /** Reads until the stream is open and has carried its first message; throws when it does not. */
        void awaitOpen(Socket socket) throws IOException;
    }

    /** A server-sent event stream from {@code path}: open once its first event, {@code data: open}, arrived. */
    public static IdleStream eventStream(String path) {
        return new IdleStream() {
            @Override
            public void request(Socket socket) throws IOException {
                socket.getOutputStream()
                        .write(("GET " + path + " HTTP/1.1\r\nHost: load\r\n" + "Accept: text/event-stream\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
            }

            @Override
            public void awaitOpen(Socket socket) throws IOException {
                InputStream in = socket.getInputStream();
                int status = status(HttpWire.readLine(in));
                List<Map.Entry<String, String>> headers = HttpWire.readHeaders(in);
                if (status != 200 || !"text/event-stream".equals(HttpWire.header(headers, "Content-Type"))) {
                    throw new IOException("not an event stream: " + status + " " + headers);
                }
                InputStream body = FramedBody.of(in, headers, true);
                StringBuilder seen = new StringBuilder();
                while (!seen.toString().contains("data: open\n\n")) {
                    int b = body.read();
                    if (b == -1) {
                        throw new IOException("the stream ended before its first event: " + seen);
                    }
                    seen.append((char) b);
                }
            }
        };
    }

    /**
     * A WebSocket on {@code path} to an echo backend ({@link WebSocketBackend}): open once the 101 arrived and
     * a text message, {@code open}, came back. Frames are written by hand (RFC 6455 section 5.2): a thousand
     * JDK WebSocket clients would cost the test more than the proxy it measures.
     */
    public static IdleStream webSocket(String path) {
        return new IdleStream() {
            @Override
            public void request(Socket socket) throws IOException {
                socket.getOutputStream()
                        .write(("GET " + path + " HTTP/1.1\r\nHost: load\r\nUpgrade: websocket\r\n"
                                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                        + "Sec-WebSocket-Version: 13\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
            }

            @Override
            public void awaitOpen(Socket socket) throws IOException {
                InputStream in = socket.getInputStream();
                int status = status(HttpWire.readLine(in));
                HttpWire.readHeaders(in);
                if (status != 101) {
                    throw new IOException("no upgrade: " + status);
                }
                byte[] mask = {1, 2, 3, 4};
                byte[] text = "open".getBytes(StandardCharsets.US_ASCII);
                byte[] frame = new byte[2 + 4 + text.length];
                frame[0] = (byte) 0x81; // the final frame of a text message
                frame[1] = (byte) (0x80 | text.length); // masked, as a client's frames must be
                System.arraycopy(mask, 0, frame, 2, 4);
                for (int i = 0; i < text.length; i++) {
                    frame[6 + i] = (byte) (text[i] ^ mask[i % 4]);
                }
                socket.getOutputStream().write(frame);
                byte[] echo = in.readNBytes(2 + text.length);
                byte[] expected = {(byte) 0x81, (byte) text.length, 'o', 'p', 'e', 'n'};
                if (!java.util.Arrays.equals(echo, expected)) {
                    throw new IOException("the message did not come back: " + java.util.Arrays.toString(echo));
                }
            }
        };
    }

    /**
     * Opens {@code n} connections and asks each for a stream of {@code kind}, then waits (each read bounded)
     * until every one is open. The caller closes the sockets.
     */
    public static List<Socket> openIdle(int port, int n, IdleStream kind) throws IOException {
        List<Socket> sockets = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                Socket socket = connect(port);
                sockets.add(socket);
                kind.request(socket);
            }
            for (Socket socket : sockets) {
                kind.awaitOpen(socket);
            }
            return sockets;
        } catch (IOException | RuntimeException e) {
            closeAll(sockets);
            throw e;
        }
    }

    public static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return socket;
    }

    private static int status(String statusLine) throws IOException {
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        return Integer.parseInt(statusLine.split(" ", 3)[1]);
    }
}
