package io.serai.streaming;

import io.serai.support.Behaviours;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.StreamScripts;
import io.serai.support.StreamingBackend;
import io.serai.support.StreamingClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The first bytes of a response reach the client when the backend sends them, not when it has finished. */
@Timeout(30)
class TimeToFirstByteTest {

    @TempDir
    Path dir;

    @Test
    void theClientHasTheFirstKibWithin100MsOfItsSendWhileTheBackendPausesTwoSeconds() throws Exception {
        int rest = 64 * 1024;
        try (StreamingBackend backend =
                        StreamingBackend.start(StreamScripts.firstThenRest(1024, Duration.ofMillis(100), rest));
                RunningSerai serai = RunningSerai.routes(RunningSerai.PROXY_ROUTE)
                        .property("backend.1", backend.hostPort())
                        .start(dir);
                StreamingClient client = StreamingClient.connect(serai.port())) {
            // A first stream loads and compiles the streaming path, so that the measure is of Serai, not of
            // a cold JVM.
            client.send("GET /warm-up HTTP/1.1\r\nHost: a\r\n\r\n");
            client.readBody(client.readHead());
            backend.script(StreamScripts.firstThenRest(1024, Duration.ofSeconds(2), rest));

            client.send("GET /download HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse head = client.readHead();
            byte[] first = client.readBytes(1024);
            long firstArrived = System.nanoTime();
            StreamingBackend.Conversation measured = backend.conversation(2);
            long firstSent = measured.sentAt().get(0);
            long millis = (firstArrived - firstSent) / 1_000_000;

            assertEquals(200, head.status());
            assertEquals(String.valueOf(1024 + rest), head.header("Content-Length"));
            assertArrayEquals(Behaviours.pattern(1024), first);
            System.out.printf(
                    "the first KiB reached the client %.1f ms after the backend sent it%n",
                    (firstArrived - firstSent) / 1e6);
            assertTrue(millis < 100, "the first KiB arrived " + millis + " ms after the backend sent it");
            byte[] second = client.readBytes(rest);
            long secondSent = measured.sentAt().get(1);
            assertTrue((secondSent - firstSent) / 1_000_000 >= 1900, "the backend paused before the rest");
            assertArrayEquals(Arrays.copyOfRange(Behaviours.pattern(1024 + rest), 1024, 1024 + rest), second);
        }
    }
}
