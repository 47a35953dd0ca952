package io.serai.examples;

import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.StreamScripts;
import io.serai.support.StreamingBackend;
import io.serai.support.StreamingClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/server-sent-events.camel.yaml started as the README says:
 * SERAI_ROUTES=examples/server-sent-events.camel.yaml java -Dupstream.url=... -jar target/serai.jar,
 * then read as {@code curl -N http://localhost:8080/events} reads it: event by event, one second apart.
 */
@Timeout(60)
class ServerSentEventsExampleIT {

    @TempDir
    Path tmp;

    @Test
    void eventsReachTheClientOneByOneAsTheBackendEmitsThemASecondApart() throws Exception {
        int port = RunningSerai.freePort();
        try (StreamingBackend backend = StreamingBackend.start(StreamScripts.events(2, Duration.ofMillis(10)));
                SeraiProcess serai = SeraiProcess.builder()
                        .env("SERAI_ROUTES", "examples/server-sent-events.camel.yaml")
                        .property("serai.port", port)
                        .property("upstream.url", backend.url())
                        .start(tmp)) {
            // Only /events is routed: anything else is Serai's own 404, which says it is up.
            serai.awaitStatus("http://127.0.0.1:" + port + "/ready", 404, Duration.ofSeconds(20));
            try (StreamingClient client = StreamingClient.connect(port)) {
                // A first stream loads and compiles the path, so that what is measured is Serai, not a cold JVM.
                client.send("GET /events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n");
                client.readBody(client.readHead());
                backend.script(StreamScripts.events(3, Duration.ofSeconds(1)));

                client.send("GET /events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                        + "Accept-Encoding: gzip\r\n\r\n");
                RawResponse head = client.readHead();
                assertEquals(200, head.status());
                assertEquals("text/event-stream", head.header("Content-Type"));
                assertFalse(head.hasHeader("Content-Encoding"));
                List<Long> arrived = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    assertEquals(StreamScripts.event(i).strip(), client.readEvent());
                    arrived.add(System.nanoTime());
                }
                assertNull(client.readEvent());
                List<Long> sent = backend.conversation(2).sentAt();
                for (int i = 0; i < 3; i++) {
                    long late = (arrived.get(i) - sent.get(i)) / 1_000_000;
                    assertTrue(late < 200, "event " + (i + 1) + " arrived " + late + " ms after it was sent");
                }
                long apart = (arrived.get(2) - arrived.get(1)) / 1_000_000;
                assertTrue(apart >= 900, "events 2 and 3 arrived " + apart + " ms apart, as the backend sent them");
            }
        }
    }
}
