package io.serai.streaming;

import io.serai.support.Behaviours;
import io.serai.support.MetricScrape;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.StreamScripts;
import io.serai.support.StreamingBackend;
import io.serai.support.StreamingClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream that breaks after its head has gone to the client: a backend reset leaves the client a
 * response it can tell is truncated, on a closed connection, never a hang; a client that leaves stops the
 * backend's read at once. Both are counted in serai_stream_failures_total by kind.
 */
@Timeout(60)
class MidStreamFailuresTest {

    @TempDir
    Path dir;

    private StreamingBackend backend;
    private RunningSerai serai;
    private int admin;

    private void start(StreamingBackend.Script script) throws Exception {
        backend = StreamingBackend.start(script);
        admin = RunningSerai.freePort();
        serai = RunningSerai.routes(RunningSerai.PROXY_ROUTE)
                .property("backend.1", backend.hostPort())
                .property("serai.admin.port", admin)
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
    void aBackendResetMidBodyLeavesAChunkedResponseWithoutItsLastChunkOnAClosedConnection() throws Exception {
        start(StreamScripts.resetAfter(1000, true));
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("GET /reset HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse head = client.readHead();
            assertEquals(200, head.status());
            assertEquals("chunked", head.header("Transfer-Encoding"));
            assertArrayEquals(Behaviours.pattern(1000), client.readChunk());
            assertThrows(EOFException.class, client::readChunk, "the connection closes before the last chunk");
        }
        awaitFailures("backend-reset", 1);
    }

    @Test
    void aBackendResetMidBodyLeavesAResponseShortOfItsContentLengthOnAClosedConnection() throws Exception {
        start(StreamScripts.resetAfter(1000, false));
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("GET /reset HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse head = client.readHead();
            assertEquals("10000", head.header("Content-Length"));
            assertArrayEquals(
                    Behaviours.pattern(1000), client.readToClose(5000), "1000 of 10000 bytes, then the close");
        }
        awaitFailures("backend-reset", 1);
    }

    @Test
    void aClientThatLeavesMidDownloadStopsTheBackendReadWithinASecondAndIsCounted() throws Exception {
        start(StreamScripts.endless(Duration.ofMillis(50)));
        long left;
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("GET /endless HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(200, client.readHead().status());
            assertEquals("tick 0\n", new String(client.readChunk()));
            left = System.nanoTime();
        }
        StreamingBackend.Conversation download = backend.conversation(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> download.peerClosedAt() != 0);
        long millis = (download.peerClosedAt() - left) / 1_000_000;
        assertTrue(millis < 1000, "the backend's connection closed " + millis + " ms after the client left");
        awaitFailures("client-gone", 1);
    }

    private void awaitFailures(String kind, double count) {
        await().atMost(Duration.ofSeconds(5))
                .until(() -> MetricScrape.value(
                                admin, "serai_stream_failures_total", "kind=\"" + kind + "\"", "route=\"proxy\"")
                        == count);
    }
}
