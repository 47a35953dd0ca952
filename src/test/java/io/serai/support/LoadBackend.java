package io.serai.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend for the memory and speed tests, on a loopback ephemeral port, a thread per connection:
 * <ul>
 * <li>{@code GET /bytes/N}: N bytes of {@link PatternBody} with Content-Length, made as they are sent;</li>
 * <li>{@code POST} or {@code PUT}: reads the body, checking it as it arrives, and answers
 * {@code "N intact"} or {@code "N altered"};</li>
 * <li>{@code GET /events}: a server-sent event stream (chunked) with one event, {@code data: open}, then
 * nothing more until the connection closes;</li>
 * <li>anything else: 200 {@code ok}.</li>
 * </ul>
 * {@link TestBackend} reads every request body whole, which a 512 MiB upload must not.
 */
public final class LoadBackend implements AutoCloseable {

    /** Enough for a blocking read loop; a thousand quiet event streams need no more. */
    private static final long STACK = 256 * 1024;

    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger eventStreams = new AtomicInteger();

    private LoadBackend(ServerSocket server) {
        this.server = server;
    }

    public static LoadBackend start() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        LoadBackend backend = new LoadBackend(socket);
        Thread acceptor = new Thread(backend::acceptLoop, "load-backend");
        acceptor.setDaemon(true);
        acceptor.start();
        return backend;
    }

    public String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Event streams whose connection is open now. */
    public int openEventStreams() {
        return eventStreams.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread t = new Thread(null, () -> serve(socket), "load-backend-conn", STACK);
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            OutputStream out = socket.getOutputStream();
            String line;
            while ((line = HttpWire.readLine(in)) != null) {
                String[] request = line.split(" ", 3);
                List<Map.Entry<String, String>> headers = HttpWire.readHeaders(in);
                if (request[1].equals("/events")) {
                    holdEventStream(in, out);
                    return;
                }
                if (request[1].startsWith("/bytes/")) {
                    long n = Long.parseLong(request[1].substring("/bytes/".length()));
                    head(out, "200 OK", "application/octet-stream", n);
                    PatternBody.write(out, n);
                } else if (request[0].equals("POST") || request[0].equals("PUT")) {
                    PatternBody.Check body = PatternBody.read(FramedBody.of(in, headers, false));
                    answer(out, body.bytes() + (body.intact() ? " intact" : " altered"));
                } else {
                    FramedBody.of(in, headers, false).transferTo(OutputStream.nullOutputStream());
                    answer(out, "ok");
                }
                out.flush();
            }
        } catch (IOException gone) {
            // the peer closed the connection
        } finally {
            sockets.remove(socket);
        }
    }

    private void holdEventStream(InputStream in, OutputStream out) throws IOException {
        eventStreams.incrementAndGet();
        try {
            String event = "data: open\n\n";
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(event.length()) + "\r\n"
                            + event + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Quiet from now on: the stream stays open until the other side closes it.
            while (in.read() != -1) {
                // nothing is expected
            }
        } finally {
            eventStreams.decrementAndGet();
        }
    }

    private static void answer(OutputStream out, String text) throws IOException {
        head(out, "200 OK", "text/plain", text.length());
        out.write(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static void head(OutputStream out, String status, String type, long length) throws IOException {
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " + length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }
}
