package io.serai.streaming;

import io.serai.support.Behaviours;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.StreamScripts;
import io.serai.support.StreamingBackend;
import io.serai.support.StreamingClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request bodies stream to the backend, so uploads are no longer held to the old 10 MiB; the limit that
 * remains, serai.limits.max-body (1 GiB by default, 4 MiB here), is counted as the bytes pass.
 */
@Timeout(60)
class UploadLimitsTest {

    private static final int LIMIT = 4 * 1024 * 1024;

    @TempDir
    static Path dir;

    static StreamingBackend backend;
    static RunningSerai serai;
    static RunningSerai defaults;

    @BeforeAll
    static void start() throws Exception {
        backend = StreamingBackend.start(StreamScripts.countsBody());
        serai = RunningSerai.routes(RunningSerai.PROXY_ROUTE)
                .property("backend.1", backend.hostPort())
                .property("serai.limits.max-body", "4MiB")
                .start(dir);
        defaults = RunningSerai.routes(RunningSerai.PROXY_ROUTE)
                .property("backend.1", backend.hostPort())
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        defaults.close();
        backend.close();
    }

    @Test
    void uploadsOverTheOld10MibLimitPassWholeWithContentLengthOrChunked() throws Exception {
        int size = 24 * 1024 * 1024;
        byte[] block = Behaviours.pattern(26 * 2520);
        try (StreamingClient client = StreamingClient.connect(defaults.port())) {
            client.send("PUT /big HTTP/1.1\r\nHost: a\r\nContent-Length: " + size + "\r\n\r\n");
            for (int sent = 0; sent < size; sent += block.length) {
                client.send(sent + block.length <= size ? block : java.util.Arrays.copyOf(block, size - sent));
            }
            RawResponse head = client.readHead();
            assertEquals(200, head.status());
            assertEquals(String.valueOf(size), new String(client.readBody(head)));

            client.send("POST /big HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int sent = 0; sent < size; sent += block.length) {
                client.chunk(sent + block.length <= size ? block : java.util.Arrays.copyOf(block, size - sent));
            }
            client.endChunks();
            head = client.readHead();
            assertEquals(200, head.status());
            assertEquals(String.valueOf(size), new String(client.readBody(head)), "on the same kept-alive connection");
        }
    }

    @Test
    void aDeclaredBodyOverMaxBodyIs413BeforeAnyOfItIsSent() throws Exception {
        int before = backend.conversations().size();
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("PUT /big HTTP/1.1\r\nHost: a\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n");
            RawResponse refused = client.readHead();
            assertEquals(413, refused.status());
            assertTrue(new String(client.readBody(refused)).contains("serai.limits.max-body"));
            assertTrue(client.closedWithin(2000));
        }
        assertEquals(before, backend.conversations().size(), "the backend saw nothing");
    }

    @Test
    void aChunkedBodyOverMaxBodyIsCutOffAtTheLimitWith413OrAClosedConnection() throws Exception {
        int before = backend.conversations().size();
        byte[] block = Behaviours.pattern(64 * 1024);
        RawResponse refused;
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("POST /big HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
            try {
                for (int sent = 0; sent < 2 * LIMIT; sent += block.length) {
                    client.chunk(block);
                }
                client.endChunks();
            } catch (IOException closed) {
                // Serai may close before the client has written it all: that is the cut-off.
            }
            try {
                refused = client.readHead();
            } catch (IOException reset) {
                // The close may reach the client first (a reset discards what it had not read): also a cut-off.
                refused = null;
            }
        }
        if (refused != null) {
            assertEquals(413, refused.status());
        }
        StreamingBackend.Conversation cut = backend.conversation(before + 1);
        await().atMost(Duration.ofSeconds(5)).until(cut::isFinished);
        assertTrue(cut.failure() != null, "the backend never got a whole request");
        assertTrue(cut.bytesRead() <= LIMIT + 64 * 1024, "the backend read " + cut.bytesRead() + " bytes");
    }
}
