package io.serai.support;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/**
 * A backend on a loopback ephemeral port that answers each connection by a {@link Script} written
 * against the raw socket: it can send a head and then a body piece by piece with pauses, emit
 * server-sent events, stall, reset mid-body, stop reading, or answer before the request body has
 * ended. Unlike {@link TestBackend}, which reads each request whole before its {@link Behaviour}
 * answers, a script reads as much of the request as it wants, when it wants. Each connection is a
 * {@link Conversation} that records what was sent and when (System.nanoTime), how many bytes went each
 * way, and when the peer closed, for tests that measure streaming from both ends.
 */
public final class StreamingBackend implements AutoCloseable {

    /** What the backend does on one connection. */
    @FunctionalInterface
    public interface Script {
        void run(Conversation c) throws Exception;
    }

    private final ServerSocket server;
    private final List<Conversation> conversations = new CopyOnWriteArrayList<>();
    private volatile Script script;
    private volatile int sendBuffer;
    private volatile boolean closed;

    private StreamingBackend(ServerSocket server, Script script) {
        this.server = server;
        this.script = script;
    }

    public static StreamingBackend start(Script script) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        StreamingBackend backend = new StreamingBackend(socket, script);
        Thread acceptor = new Thread(backend::acceptLoop, "streaming-backend");
        acceptor.setDaemon(true);
        acceptor.start();
        return backend;
    }

    /** The script for connections accepted from now on. */
    public StreamingBackend script(Script next) {
        this.script = next;
        return this;
    }

    /** A small socket send buffer for connections accepted from now on, so that blocked writes show early. */
    public StreamingBackend sendBuffer(int bytes) {
        this.sendBuffer = bytes;
        return this;
    }

    public int port() {
        return server.getLocalPort();
    }

    public String hostPort() {
        return "127.0.0.1:" + port();
    }

    public String url() {
        return "http://" + hostPort();
    }

    public List<Conversation> conversations() {
        return conversations;
    }

    /** The {@code n}th connection (from 1), once it has been accepted (waits at most 10 s). */
    public Conversation conversation(int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> conversations.size() >= n);
        return conversations.get(n - 1);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Conversation c : conversations) {
            c.socket.close();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                if (sendBuffer > 0) {
                    socket.setSendBufferSize(sendBuffer);
                }
                Conversation c = new Conversation(socket);
                conversations.add(c);
                if (closed) {
                    // Accepted while close() ran: closed here, as a crashed process's would be.
                    socket.close();
                    return;
                }
                Script current = script;
                Thread t = new Thread(() -> c.run(current), "streaming-backend-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** One connection to the backend, as its script sees it and as a test inspects it afterwards. */
    public static final class Conversation {
        private final Socket socket;
        private final CountingInput in;
        private final OutputStream out;
        private final AtomicLong written = new AtomicLong();
        private final List<Long> sentAt = new CopyOnWriteArrayList<>();
        private volatile long peerClosedAt;
        private volatile Throwable ended;
        private volatile boolean finished;

        Conversation(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new CountingInput(new BufferedInputStream(socket.getInputStream()));
            this.out = socket.getOutputStream();
        }

        private void run(Script script) {
            try (socket) {
                socket.setSoTimeout(60_000);
                script.run(this);
            } catch (Throwable e) {
                ended = e;
            } finally {
                finished = true;
            }
        }

        // ---- reading the request ----

        /** The request line and header section. */
        public RequestHead readHead() throws IOException {
            String line = HttpWire.readLine(in);
            if (line == null) {
                throw new EOFException("connection closed before a request");
            }
            String[] parts = line.split(" ", 3);
            return new RequestHead(parts[0], parts[1], HttpWire.readHeaders(in));
        }

        /** The whole request body, framed as the head says. */
        public byte[] readBody(RequestHead head) throws IOException {
            return HttpWire.readBody(in, head.headers());
        }

        /** Reads the request body to its end without keeping it (for bodies too large to hold); its length. */
        public long discardBody(RequestHead head) throws IOException {
            String te = head.header("Transfer-Encoding");
            if (te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
                long total = 0;
                byte[] chunk;
                while ((chunk = readChunk()) != null) {
                    total += chunk.length;
                }
                return total;
            }
            String cl = head.header("Content-Length");
            long length = cl == null ? 0 : Long.parseLong(cl.trim());
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            while (total < length) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, length - total));
                if (n < 0) {
                    throw new EOFException("body ended after " + total + " of " + length + " bytes");
                }
                total += n;
            }
            return total;
        }

        /** One chunk of a chunked request body; null at its last (empty) chunk, after its trailer section. */
        public byte[] readChunk() throws IOException {
            String size = HttpWire.readLine(in);
            if (size == null) {
                throw new EOFException("connection closed inside a chunked body");
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
            HttpWire.readLine(in);
            return chunk;
        }

        /** Request bytes read from the socket so far (head and body). */
        public long bytesRead() {
            return in.count.get();
        }

        /**
         * From now on a thread reads (and discards) whatever the peer sends, recording when it closes the
         * connection; for scripts that have read their request and only write.
         */
        public void watchForClose() {
            Thread watcher = new Thread(
                    () -> {
                        try {
                            while (in.read() != -1) {
                                // discard
                            }
                        } catch (IOException reset) {
                            // a reset closes too
                        }
                        peerClosedAt = System.nanoTime();
                    },
                    "streaming-backend-watch");
            watcher.setDaemon(true);
            watcher.start();
        }

        /** System.nanoTime() when the peer closed the connection (see {@link #watchForClose}), or 0. */
        public long peerClosedAt() {
            return peerClosedAt;
        }

        // ---- writing the response ----

        /** A status line and header fields ({@code name, value, name, value, ...}), flushed at once. */
        public void head(int status, String... fields) throws IOException {
            StringBuilder s = new StringBuilder("HTTP/1.1 ")
                    .append(status)
                    .append(' ')
                    .append(status == 200 ? "OK" : "Status")
                    .append("\r\n");
            for (int i = 0; i < fields.length; i += 2) {
                s.append(fields[i]).append(": ").append(fields[i + 1]).append("\r\n");
            }
            s.append("\r\n");
            out.write(s.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Body bytes as they are (a Content-Length or close-delimited body); records when they were sent. */
        public void send(byte[] bytes) throws IOException {
            sentAt.add(System.nanoTime());
            out.write(bytes);
            out.flush();
            written.addAndGet(bytes.length);
        }

        public void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.UTF_8));
        }

        /** One chunk of a chunked body; records when it was sent. */
        public void chunk(byte[] bytes) throws IOException {
            sentAt.add(System.nanoTime());
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            written.addAndGet(bytes.length);
        }

        public void chunk(String text) throws IOException {
            chunk(text.getBytes(StandardCharsets.UTF_8));
        }

        /** The last chunk of a chunked body. */
        public void endChunks() throws IOException {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Closes the connection with a TCP reset instead of an orderly close. */
        public void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        /** Simulated work (or silence) on the backend's side. */
        public void pause(Duration d) throws InterruptedException {
            Thread.sleep(d.toMillis());
        }

        /** Body bytes written so far: each write counts once the socket has taken it. */
        public long bytesWritten() {
            return written.get();
        }

        /** System.nanoTime() of each {@link #send} or {@link #chunk}, in order. */
        public List<Long> sentAt() {
            return sentAt;
        }

        /** True once the script has returned or thrown. */
        public boolean isFinished() {
            return finished;
        }

        /** What ended the script early (a write to a closed connection, say), or null. */
        public Throwable failure() {
            return ended;
        }

        /** True when the script ended because the peer had gone (a write or read that failed). */
        public boolean peerWentAway() {
            return ended instanceof SocketException
                    || ended instanceof EOFException
                    || (ended instanceof IOException io
                            && String.valueOf(io.getMessage()).contains("reset"));
        }
    }

    /** A request's line and header fields as the backend read them. */
    public record RequestHead(String method, String target, List<Map.Entry<String, String>> headers) {
        public String header(String name) {
            return HttpWire.header(headers, name);
        }
    }

    /** Counts the bytes read through it. */
    private static final class CountingInput extends InputStream {
        private final InputStream in;
        private final AtomicLong count = new AtomicLong();

        CountingInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count.addAndGet(n);
            }
            return n;
        }
    }
}
