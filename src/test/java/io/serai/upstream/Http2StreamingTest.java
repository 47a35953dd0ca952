package io.serai.upstream;

import io.serai.support.Http2Backend;
import io.serai.support.PatternBody;
import io.serai.support.RunningSerai;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 23: 32 MiB each way through an h2 member, with the backend (or the client) not reading: Serai honours
 * HTTP/2 flow control and its own window, so what it has taken but not passed on stays bounded (well under the
 * body: the sockets' buffers and two windows), and the body arrives whole once reading resumes.
 */
@Timeout(60)
class Http2StreamingTest {

    private static final long SIZE = 32L * 1024 * 1024;
    /** Socket buffers on loopback (about 4 MiB measured) plus Serai's windows; far below the body's 32 MiB. */
    private static final long BOUND = 12L * 1024 * 1024;

    private static final String ROUTE = """
            - route:
                id: h2
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:{{b1}}?protocol=h2"
            """;

    @TempDir
    Path dir;

    @Test
    void anUploadToABackendThatDoesNotReadStopsTheClientAndThenArrivesWhole() throws Exception {
        try (Http2Backend backend = Http2Backend.start("sink").holdRequestBodies();
                RunningSerai serai =
                        RunningSerai.routes(ROUTE).property("b1", backend.url()).start(dir);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), serai.port())) {
            socket.setSoTimeout(30_000);
            AtomicLong sent = new AtomicLong();
            CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: " + SIZE + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    PatternBody.write(new CountingStream(out, sent), SIZE);
                    out.flush();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            long stalled = stalledAt(sent::get);
            assertTrue(stalled < BOUND, "the client sent " + stalled + " bytes while the backend read none");
            backend.releaseRequestBodies();
            upload.get();
            String head = head(socket.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("x-received-length: " + SIZE), head);
            assertTrue(head.toLowerCase().contains("x-received-pattern: true"), head);
        }
    }

    @Test
    void aDownloadToAClientThatDoesNotReadHoldsTheBackendBackAndThenArrivesWhole() throws Exception {
        try (Http2Backend backend = Http2Backend.start("source").download(SIZE);
                RunningSerai serai =
                        RunningSerai.routes(ROUTE).property("b1", backend.url()).start(dir);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), serai.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write("GET /down HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
            long stalled = stalledAt(backend::bodyBytesSent);
            assertTrue(stalled < BOUND, "the backend sent " + stalled + " bytes while the client read none");
            InputStream in = socket.getInputStream();
            String head = head(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("transfer-encoding: chunked"), head);
            PatternBody.Check check = new PatternBody.Check();
            ChunkedReader.read(in, check);
            assertEquals(SIZE, check.bytes());
            assertTrue(check.intact(), "the download arrived intact");
        }
    }

    /** The count once it has stopped growing (the sender is blocked); polled, bounded in time. */
    private static long stalledAt(java.util.function.LongSupplier count) {
        long[] last = {-1};
        Waits.upTo(Waits.PROMPTLY).pollInterval(Duration.ofMillis(300)).until(() -> {
            long now = count.getAsLong();
            boolean still = now > 0 && now == last[0];
            last[0] = now;
            return still;
        });
        return last[0];
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside the head: " + head);
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Counts what passes through to {@code out}. */
    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        private final AtomicLong count;

        CountingStream(OutputStream out, AtomicLong count) {
            this.out = out;
            this.count = count;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count.incrementAndGet();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count.addAndGet(len);
        }
    }

    /** Reads a chunked body into {@code check}, chunk by chunk, never whole. */
    private static final class ChunkedReader {
        static void read(InputStream in, PatternBody.Check check) throws IOException {
            byte[] buf = new byte[64 * 1024];
            while (true) {
                String sizeLine = line(in);
                int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
                if (size == 0) {
                    return;
                }
                for (int left = size; left > 0; ) {
                    int r = in.read(buf, 0, Math.min(buf.length, left));
                    if (r < 0) {
                        throw new IOException("closed inside a chunk");
                    }
                    check.accept(buf, r);
                    left -= r;
                }
                line(in);
            }
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder s = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new IOException("closed inside a chunk size");
                }
                if (b != '\r') {
                    s.append((char) b);
                }
            }
            return s.toString();
        }
    }
}
