package io.serai.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import io.serai.support.AccessLogLines;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A streamed response's access log line is written at its last byte, with all of its bytes. */
@Timeout(30)
class StreamedAccessLogTest {

    @TempDir
    Path dir;

    @Test
    void aTwoSecondStreamedResponseIsLoggedWithItsWholeDurationAndByteCount() throws Exception {
        Path log = dir.resolve("access.log");
        int rest = 100 * 1024;
        try (StreamingBackend backend =
                        StreamingBackend.start(StreamScripts.firstThenRest(1024, Duration.ofSeconds(2), rest));
                RunningSerai serai = RunningSerai.routes(RunningSerai.PROXY_ROUTE)
                        .property("backend.1", backend.hostPort())
                        .property("serai.access-log", log.toString())
                        .start(dir);
                StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("GET /slow HTTP/1.1\r\nHost: a\r\nX-Request-Id: streamed-1\r\n\r\n");
            RawResponse head = client.readHead();
            assertEquals(1024 + rest, client.readBody(head).length);

            JsonNode line = AccessLogLines.await(log, "streamed-1");
            assertEquals(200, line.get("status").asInt());
            assertEquals(1024 + rest, line.get("bytes").asLong());
            double millis = line.get("duration_ms").asDouble();
            assertTrue(millis >= 2000, "logged " + millis + " ms for a response that took over 2 s");
        }
    }
}
