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

    private LoadClients() {
    }

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
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: load\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
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
                    + "Content-Length: " + n + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            PatternBody.write(out, n);
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            int status = status(HttpWire.readLine(in));
            String answer = new String(FramedBody.of(in, HttpWire.readHeaders(in), true).readAllBytes(),
                    StandardCharsets.US_ASCII);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String[] parts = answer.split(" ");
            boolean understood = status == 200 && parts.length == 2;
            return new Transfer(status, understood ? Long.parseLong(parts[0]) : -1,
                    understood && parts[1].equals("intact"), took);
        }
    }

    /** A kind of long-lived stream a test holds many of: how to ask for one, and how to know it is open. */
    public interface IdleStream {
        void request(OutputStream out) throws IOException;

        /** Reads until the stream is open (its head and first message); throws when it is not. */
        void awaitOpen(InputStream in) throws IOException;
    }

    /** A server-sent event stream from {@code path}: open once its first event, {@code data: open}, arrived. */
    public static IdleStream eventStream(String path) {
        return new IdleStream() {
            @Override
            public void request(OutputStream out) throws IOException {
                out.write(("GET " + path + " HTTP/1.1\r\nHost: load\r\nAccept: text/event-stream\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }

            @Override
            public void awaitOpen(InputStream in) throws IOException {
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
     * Opens {@code n} connections and asks each for a stream of {@code kind}, then waits (each read bounded)
     * until every one is open. The caller closes the sockets.
     */
    public static List<Socket> openIdle(int port, int n, IdleStream kind) throws IOException {
        List<Socket> sockets = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                Socket socket = connect(port);
                sockets.add(socket);
                kind.request(socket.getOutputStream());
            }
            for (Socket socket : sockets) {
                kind.awaitOpen(socket.getInputStream());
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
