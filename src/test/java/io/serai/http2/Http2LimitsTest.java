package io.serai.http2;

import io.serai.support.RunningSerai;
import io.serai.support.Settled;
import io.serai.support.StreamScripts;
import io.serai.support.StreamingBackend;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP/2 counterparts of the hardening tests: concurrent streams, header list size, rapid reset
 * (CVE-2023-44487), CONTINUATION floods and flow-control windows are bounded, and while one client is
 * refused or cut off, another is served.
 */
@Timeout(60)
class Http2LimitsTest {

    private static final String ROUTES = """
            - route:
                id: stalled
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/stalled?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.3}}"
            - route:
                id: flood
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/flood?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.2}}"
            """;

    /** The window (256 KiB) and every socket buffer between the ends, with room to spare: far below the body. */
    private static final long BOUND = 32L * 1024 * 1024;

    @TempDir
    static Path dir;

    static TestBackend backend;
    static StreamingBackend flood;
    static StreamingBackend stalled;
    static final CountDownLatch GO = new CountDownLatch(1);
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("h2-limits");
        flood = StreamingBackend.start(StreamScripts.flood(256L * 1024 * 1024)).sendBuffer(64 * 1024);
        stalled = StreamingBackend.start(StreamScripts.readsNothingUntil(GO));
        serai = RunningSerai.proxyTo(backend, ROUTES)
                .property("backend.2", flood.hostPort())
                .property("backend.3", stalled.hostPort())
                .property("serai.http2.max-concurrent-streams", 4)
                .property("serai.limits.max-header", "4KiB")
                // The attacks leave nothing worth waiting for at the end of the class.
                .property("serai.shutdown.timeout", "1s")
                .start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        backend.close();
        flood.close();
        GO.countDown();
        stalled.close();
    }

    @ParameterizedTest(name = "SETTINGS acknowledged: {0}")
    @ValueSource(booleans = {true, false})
    void aStreamBeyondMaxConcurrentStreamsIsRefusedAndTheOthersAreServed(boolean ack) throws Exception {
        try (RawH2 h2 = RawH2.connect(serai.port(), 0, ack)) {
            for (int stream = 1; stream <= 7; stream += 2) {
                h2.headers(stream, h2.get("/open/" + stream).method("POST"), false);
            }
            h2.headers(9, h2.get("/one-too-many").method("POST"), false);
            RawH2.Outcome refused = h2.await(9);
            assertNotNull(refused.reset());
            assertEquals(RawH2.REFUSED_STREAM, refused.reset().errorCode());
            for (int stream = 1; stream <= 7; stream += 2) {
                h2.data(stream, new byte[0], true);
                assertEquals(200, h2.await(stream).status());
            }
        }
    }

    @Test
    void aHeaderListOverTheLimitGets431AndTheConnectionGoesOn() throws Exception {
        try (RawH2 h2 = RawH2.connect(serai.port())) {
            h2.headers(1, h2.get("/big-header").add("x-big", "b".repeat(4500)), true);
            RawH2.Outcome refused = h2.await(1);
            assertEquals(431, refused.status(), String.valueOf(refused));
            h2.headers(3, h2.get("/after-big-header"), true);
            assertEquals(200, h2.await(3).status());
        }
    }

    @Test
    void aHugeHeaderListEndsItsConnectionAndOthersAreServed() throws Exception {
        try (RawH2 h2 = RawH2.connect(serai.port())) {
            try {
                h2.headers(1, h2.get("/huge-header").add("x-huge", "h".repeat(64 * 1024)), true);
            } catch (IOException closedWhileWriting) {
                // Serai may close the connection before it has read the whole header block: the limit at work.
            }
            RawH2.Frame goAway = h2.awaitGoAway();
            assertTrue(goAway == null || goAway.errorCode() != 0, "an error, if a GOAWAY came: " + goAway);
        }
        assertServed();
    }

    @Test
    void rapidResetGetsGoAwayEnhanceYourCalmWhileAnotherClientIsServed() throws Exception {
        try (RawH2 h2 = RawH2.connect(serai.port())) {
            ByteArrayOutputStream attack = new ByteArrayOutputStream();
            for (int stream = 1; stream < 2 * 5000; stream += 2) {
                byte[] block = h2.block(stream, h2.get("/reset"));
                attack.write(RawH2.header(RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, stream, block.length));
                attack.write(block);
                attack.write(RawH2.header(RawH2.RST_STREAM, 0, stream, 4));
                attack.write(new byte[] {0, 0, 0, (byte) RawH2.CANCEL});
            }
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    h2.out().write(attack.toByteArray());
                    h2.out().flush();
                } catch (IOException closedByServer) {
                    // Serai closed the connection midway: what the test wants.
                }
            });
            assertServed();
            RawH2.Frame goAway = h2.awaitGoAway();
            assertNotNull(goAway, "GOAWAY before the close");
            assertEquals(RawH2.ENHANCE_YOUR_CALM, goAway.errorCode());
            sending.get(10, TimeUnit.SECONDS);
        }
        assertServed();
    }

    @Test
    void aContinuationFloodIsCutShortWhileAnotherClientIsServed() throws Exception {
        assertContinuationFloodBounded(1024);
    }

    @Test
    void aFloodOfEmptyContinuationFramesIsCutShort() throws Exception {
        assertContinuationFloodBounded(0);
    }

    private void assertContinuationFloodBounded(int frameSize) throws Exception {
        AtomicLong sent = new AtomicLong();
        long limit = 64L * 1024 * 1024;
        try (RawH2 h2 = RawH2.connect(serai.port())) {
            byte[] first = h2.block(1, h2.get("/continued"));
            h2.frame(RawH2.HEADERS, RawH2.END_STREAM, 1, first);
            byte[] frame = new byte[9 + frameSize];
            System.arraycopy(RawH2.header(RawH2.CONTINUATION, 0, 1, frameSize), 0, frame, 0, 9);
            byte[] batch = new byte[frame.length * 256];
            for (int i = 0; i < 256; i++) {
                System.arraycopy(frame, 0, batch, i * frame.length, frame.length);
            }
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    while (sent.get() < limit) {
                        h2.out().write(batch);
                        sent.addAndGet(batch.length);
                    }
                } catch (IOException closedByServer) {
                    // cut short
                }
            });
            assertServed();
            sending.get(20, TimeUnit.SECONDS);
            assertTrue(sent.get() < limit, "Serai took all " + sent.get() + " bytes of CONTINUATION frames");
            System.out.printf(
                    "CONTINUATION flood (%d-byte frames) cut after %.1f KiB%n", frameSize, sent.get() / 1024.0);
        }
        assertServed();
    }

    @Test
    void aClientThatReadsNothingStopsSeraiReadingFromTheBackend() throws Exception {
        try (RawH2 h2 = RawH2.connect(serai.port())) {
            h2.headers(1, h2.get("/flood/big"), true);
            RawH2.Frame head;
            do {
                head = h2.read();
            } while (head.type() != RawH2.HEADERS);
            StreamingBackend.Conversation backendSide =
                    flood.conversations().get(flood.conversations().size() - 1);
            long written = Settled.value(backendSide::bytesWritten, Duration.ofSeconds(1));
            System.out.printf("backend wrote %.1f MiB while the HTTP/2 client read nothing%n", written / 1048576.0);
            assertTrue(written < BOUND, "the backend wrote " + written + " bytes while the client read nothing");
            assertServed();
        }
    }

    @Test
    void anUploadPastTheWindowsSeraiGaveIsCutOffWhileTheBackendReadsNothing() throws Exception {
        long limit = 64L * 1024 * 1024;
        AtomicLong sent = new AtomicLong();
        try (RawH2 h2 = RawH2.connect(serai.port())) {
            h2.headers(1, h2.get("/stalled/upload").method("POST"), false);
            byte[] frame = new byte[9 + 16384];
            System.arraycopy(RawH2.header(RawH2.DATA, 0, 1, 16384), 0, frame, 0, 9);
            // Data sent regardless of the windows Serai grants: what it lets in is bounded by the stream's
            // window (serai.stream.window) and the body's read-ahead (the same), and more is refused.
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    while (sent.get() < limit) {
                        h2.out().write(frame);
                        sent.addAndGet(frame.length);
                    }
                } catch (IOException closedByServer) {
                    // cut off
                }
            });
            RawH2.Frame end = null;
            long granted = 0;
            while (end == null) {
                RawH2.Frame f = h2.read();
                if (f.type() == RawH2.WINDOW_UPDATE && f.stream() == 1) {
                    granted += java.nio.ByteBuffer.wrap(f.payload()).getInt();
                }
                if (f.type() == RawH2.GOAWAY || f.type() == RawH2.RST_STREAM && f.stream() == 1) {
                    end = f;
                }
            }
            // Netty's stream error (FLOW_CONTROL_ERROR) closes the stream's channel, which resets it (CANCEL).
            assertEquals(RawH2.RST_STREAM, end.type(), "the stream reset, the connection kept: " + end);
            h2.close();
            sending.get(20, TimeUnit.SECONDS);
            long allowed = 256 * 1024 + granted;
            System.out.printf(
                    "an upload past its windows was reset; Serai had let in %.0f KiB of it%n", allowed / 1024.0);
            // What Serai lets in is its windows plus what the kernel buffers of its connection to the backend
            // take before the backend's silence stops its writes (a few MiB on loopback, more on a busy machine):
            // bounded, and far below the 64 MiB the client tried to push.
            assertTrue(
                    allowed < 12 * 1024 * 1024, "Serai took " + allowed + " bytes of a body its backend did not read");
            assertTrue(sent.get() < limit, "Serai took all " + sent.get() + " bytes");
        }
        assertServed();
    }

    /** Another client, on its own connection, is served. */
    private static void assertServed() throws Exception {
        try (H2Client other = H2Client.connect(serai.port())) {
            H2Client.Response r =
                    other.send(other.request("GET", "/other"), null).get(10, TimeUnit.SECONDS);
            assertEquals(200, r.status());
            assertNull(r.reset());
        }
    }
}
