package io.serai.streaming;

import io.serai.support.MetricScrape;
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

import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The timeouts of a stream: serai.upstream.timeout waits for the response head only;
 * serai.upstream.read-idle-timeout bounds the silence between body reads, but not a pause Serai makes
 * itself for a slow client; serai.client.write-timeout lets go of a client that stops reading.
 */
@Timeout(90)
class StreamTimeoutsTest {

    private static final long BODY = 64L * 1024 * 1024;

    @TempDir
    Path dir;

    private StreamingBackend backend;
    private RunningSerai serai;
    private int admin;

    private void start(StreamingBackend.Script script, String... properties) throws Exception {
        backend = StreamingBackend.start(script).sendBuffer(64 * 1024);
        admin = RunningSerai.freePort();
        RunningSerai.Builder b = RunningSerai.routes(RunningSerai.PROXY_ROUTE)
                .property("backend.1", backend.hostPort())
                .property("serai.admin.port", admin);
        for (int i = 0; i < properties.length; i += 2) {
            b.property(properties[i], properties[i + 1]);
        }
        serai = b.start(dir);
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
    void theUpstreamTimeoutIsTheWaitForTheResponseHead() throws Exception {
        start(
                c -> {
                    c.readHead();
                    c.pause(Duration.ofSeconds(3));
                    c.head(200, "Content-Length", "2");
                    c.send("ok");
                },
                "serai.upstream.timeout",
                "1s");
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            long asked = System.nanoTime();
            client.send("GET /slow-head HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse r = client.readHead();
            long waited = (System.nanoTime() - asked) / 1_000_000;
            assertEquals(504, r.status());
            assertTrue(waited >= 900 && waited < 2500, "answered 504 after " + waited + " ms");
        }
    }

    @Test
    void aStreamThatKeepsMovingIsNeverCutThoughItOutlastsBothTimeouts() throws Exception {
        // 10 chunks 400 ms apart: 3.6 s in all, each gap under the 1 s read-idle timeout.
        start(
                StreamScripts.trickle(10, 1024, Duration.ofMillis(400)),
                "serai.upstream.timeout",
                "1s",
                "serai.upstream.read-idle-timeout",
                "1s");
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            long asked = System.nanoTime();
            client.send("GET /trickle HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse head = client.readHead();
            assertEquals(200, head.status());
            assertEquals(10 * 1024, client.readBody(head).length);
            long took = (System.nanoTime() - asked) / 1_000_000;
            assertTrue(took >= 3000, "the body took " + took + " ms");
        }
        assertEquals(0, MetricScrape.value(admin, "serai_stream_failures_total"));
    }

    @Test
    void aBackendThatStallsMidBodyIsCutAfterTheReadIdleTimeoutAndCounted() throws Exception {
        start(StreamScripts.stallAfter(10_000, 1000, Duration.ofSeconds(10)), "serai.upstream.read-idle-timeout", "1s");
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("GET /stall HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse head = client.readHead();
            assertEquals("10000", head.header("Content-Length"));
            long started = System.nanoTime();
            byte[] got = client.readToClose(5000);
            long cut = (System.nanoTime() - started) / 1_000_000;
            assertEquals(1000, got.length, "the client has what the backend sent, short of Content-Length");
            assertTrue(cut < 3000, "the connection closed " + cut + " ms after the stall began");
        }
        StreamingBackend.Conversation stalled = backend.conversation(1);
        await().atMost(Duration.ofSeconds(3)).until(() -> stalled.peerClosedAt() != 0);
        await().atMost(Duration.ofSeconds(3))
                .until(() -> MetricScrape.value(
                                admin, "serai_stream_failures_total", "kind=\"read-idle\"", "route=\"proxy\"")
                        == 1);
    }

    @Test
    void aSlowClientDoesNotMakeTheBackendsReadIdleTimerFire() throws Exception {
        start(StreamScripts.flood(BODY), "serai.upstream.read-idle-timeout", "1s", "serai.client.write-timeout", "30s");
        try (StreamingClient client = StreamingClient.connect(serai.port(), 64 * 1024)) {
            client.send("GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
            client.readHead();
            // The client reads nothing: Serai stops reading the backend, which then stays silent for 3 s,
            // three read-idle timeouts; that silence is Serai's own doing and cuts nothing.
            long paused = Settled.value(backend.conversation(1)::bytesWritten, Duration.ofSeconds(3));
            assertTrue(paused < BODY);
            long read = 0;
            while (read < BODY) {
                byte[] part = client.readBytes((int) Math.min(256 * 1024, BODY - read));
                if (part.length == 0) {
                    break;
                }
                read += part.length;
            }
            assertEquals(BODY, read, "the whole body arrived once the client read");
        }
        assertEquals(0, MetricScrape.value(admin, "serai_stream_failures_total"));
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedAfterTheWriteTimeoutAndCounted() throws Exception {
        start(StreamScripts.flood(BODY), "serai.client.write-timeout", "1s");
        try (StreamingClient client = StreamingClient.connect(serai.port(), 64 * 1024)) {
            client.send("GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
            client.readHead();
            StreamingBackend.Conversation flooding = backend.conversation(1);
            // Serai closes the stalled client and stops reading the backend, whose writes then fail.
            await().atMost(Duration.ofSeconds(10)).until(flooding::isFinished);
            assertTrue(flooding.peerWentAway(), String.valueOf(flooding.failure()));
            byte[] got = client.readToClose(5000);
            assertTrue(got.length < BODY, "the client got " + got.length + " bytes: the response was cut");
        }
        await().atMost(Duration.ofSeconds(3))
                .until(() -> MetricScrape.value(
                                admin,
                                "serai_stream_failures_total",
                                "kind=\"client-write-timeout\"",
                                "route=\"proxy\"")
                        == 1);
    }
}
