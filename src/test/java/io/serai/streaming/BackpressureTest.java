package io.serai.streaming;

import io.serai.support.Behaviours;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.Settled;
import io.serai.support.StreamScripts;
import io.serai.support.StreamingBackend;
import io.serai.support.StreamingClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A slow reader pauses its writer through Serai in both directions, so memory is bounded by the window
 * (serai.stream.window) and the sockets' buffers, not by the body; and a response may start before its
 * request's body has ended (full duplex).
 */
@Timeout(90)
class BackpressureTest {

    private static final long BODY = 256L * 1024 * 1024;
    /** The window (256 KiB) plus every socket buffer between the two ends, with room to spare: far below BODY. */
    private static final long BOUND = 32L * 1024 * 1024;

    @TempDir
    Path dir;

    private StreamingBackend backend;
    private RunningSerai serai;

    private void start(StreamingBackend.Script script) throws Exception {
        backend = StreamingBackend.start(script).sendBuffer(64 * 1024);
        serai = RunningSerai.routes(RunningSerai.PROXY_ROUTE)
                .property("backend.1", backend.hostPort())
                .start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        if (serai != null) {
            serai.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void aClientThatReadsNothingStopsSeraiReadingFromTheBackend() throws Exception {
        start(StreamScripts.flood(BODY));
        try (StreamingClient client = StreamingClient.connect(serai.port(), 64 * 1024)) {
            client.send("GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse head = client.readHead();
            assertEquals(String.valueOf(BODY), head.header("Content-Length"));
            StreamingBackend.Conversation backendSide = backend.conversation(1);

            long written = Settled.value(backendSide::bytesWritten, Duration.ofSeconds(1));
            System.out.printf(
                    "backend wrote %.1f MiB of %d MiB while the client read nothing%n",
                    written / 1048576.0, BODY / 1048576);
            assertTrue(written < BOUND, "the backend wrote " + written + " bytes while the client read nothing");

            // Once the client reads, the rest follows, whole.
            byte[] buf = new byte[256 * 1024];
            long read = 0;
            while (read < BODY) {
                byte[] part = client.readBytes((int) Math.min(buf.length, BODY - read));
                if (part.length == 0) {
                    break;
                }
                read += part.length;
            }
            assertEquals(BODY, read);
        }
    }

    @Test
    void anUploadToABackendThatReadsNothingStopsSeraiReadingTheClient() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        start(StreamScripts.readsNothingUntil(go));
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            AtomicReference<Throwable> uploadFailed = new AtomicReference<>();
            Thread upload = new Thread(
                    () -> {
                        try {
                            client.send("PUT /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + BODY + "\r\n\r\n");
                            byte[] block = Behaviours.pattern(26 * 2520);
                            for (long left = BODY; left > 0; left -= block.length) {
                                client.send(left >= block.length ? block : java.util.Arrays.copyOf(block, (int) left));
                            }
                        } catch (IOException e) {
                            uploadFailed.set(e);
                        }
                    },
                    "upload");
            upload.setDaemon(true);
            upload.start();

            long sent = Settled.value(client::bytesSent, Duration.ofSeconds(1));
            System.out.printf(
                    "client sent %.1f MiB of %d MiB while the backend read nothing%n",
                    sent / 1048576.0, BODY / 1048576);
            assertTrue(sent < BOUND, "the client got " + sent + " bytes out while the backend read nothing");

            go.countDown();
            upload.join(60_000);
            assertNull(uploadFailed.get());
            RawResponse head = client.readHead();
            assertEquals(200, head.status());
            assertEquals(String.valueOf(BODY), new String(client.readBody(head)));
        }
    }

    @Test
    void theBackendAnswersBeforeTheRequestBodyHasEndedAndEchoesAsItReads() throws Exception {
        start(StreamScripts.duplexEcho());
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("POST /duplex HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
            client.chunk("first");
            // The client sends nothing more until the answer has begun: only a full-duplex path gets here.
            RawResponse head = client.readHead();
            assertEquals(200, head.status());
            assertEquals("first", new String(client.readChunk()));
            for (int i = 2; i <= 4; i++) {
                client.chunk("chunk " + i);
                assertEquals("chunk " + i, new String(client.readChunk()));
            }
            client.endChunks();
            assertNull(client.readChunk(), "the answer ends after the request body has");
        }
    }
}
