package io.serai.streaming;

import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.StreamScripts;
import io.serai.support.StreamingBackend;
import io.serai.support.StreamingClient;
import org.junit.jupiter.api.AfterEach;
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
 * Server-sent events ({@code text/event-stream}) reach the client event by event as the backend emits
 * them: never compressed, never stored or held by the HTTP cache, and never cut by serai.upstream.timeout,
 * which is only the wait for the response head.
 */
@Timeout(60)
class ServerSentEventsTest {

    private static final String CACHED_ROUTE = """
            - route:
                id: cached
                from:
                  uri: "netty-http:http://127.0.0.1:{{cached.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    Path dir;

    private StreamingBackend backend;
    private RunningSerai serai;
    private int cachedPort;

    private void start(StreamingBackend.Script script, String... properties) throws Exception {
        backend = StreamingBackend.start(script);
        cachedPort = RunningSerai.freePort();
        RunningSerai.Builder b = RunningSerai.routes(RunningSerai.PROXY_ROUTE + CACHED_ROUTE)
                .property("backend.1", backend.hostPort())
                .property("cached.port", cachedPort);
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
    void eventsReachTheClientOneByOneAsTheBackendEmitsThemOneSecondApart() throws Exception {
        start(StreamScripts.events(2, Duration.ofMillis(10)));
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            // A first stream loads and compiles the path, so that what is measured is Serai, not a cold JVM.
            client.send("GET /events HTTP/1.1\r\nHost: a\r\nAccept: text/event-stream\r\n\r\n");
            client.readBody(client.readHead());
            backend.script(StreamScripts.events(3, Duration.ofSeconds(1)));

            client.send("GET /events HTTP/1.1\r\nHost: a\r\nAccept: text/event-stream\r\n\r\n");
            RawResponse head = client.readHead();
            assertEquals(200, head.status());
            assertEquals("text/event-stream", head.header("Content-Type"));
            List<Long> arrived = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                assertEquals(StreamScripts.event(i).strip(), client.readEvent());
                arrived.add(System.nanoTime());
            }
            assertNull(client.readEvent(), "the stream ends when the backend ends it");
            List<Long> sent = backend.conversation(2).sentAt();
            for (int i = 0; i < 3; i++) {
                long late = (arrived.get(i) - sent.get(i)) / 1_000_000;
                assertTrue(late < 200, "event " + (i + 1) + " reached the client " + late + " ms after it was sent");
            }
            long apart = (arrived.get(2) - arrived.get(1)) / 1_000_000;
            assertTrue(apart >= 900, "events 2 and 3 arrived " + apart + " ms apart, as the backend sent them");
        }
    }

    @Test
    void anEventStreamIsNeverCompressedForAClientThatAcceptsGzip() throws Exception {
        start(StreamScripts.events(2, Duration.ofMillis(100)));
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("GET /events HTTP/1.1\r\nHost: a\r\nAccept: text/event-stream\r\n"
                    + "Accept-Encoding: gzip, deflate, br\r\n\r\n");
            RawResponse head = client.readHead();
            assertFalse(head.hasHeader("Content-Encoding"), head.headers().toString());
            assertEquals("chunked", head.header("Transfer-Encoding"));
            assertEquals(StreamScripts.event(1).strip(), client.readEvent());
            assertEquals(StreamScripts.event(2).strip(), client.readEvent());
        }
    }

    @Test
    void anEventStreamIsNeitherStoredByTheCacheNorHeldBackForAnotherClientsStream() throws Exception {
        // The backend says the stream may be cached for a minute: a cache must still never replay events.
        start(StreamScripts.events(4, Duration.ofSeconds(1), "Cache-Control", "public, max-age=60"));
        try (StreamingClient first = StreamingClient.connect(cachedPort);
                StreamingClient second = StreamingClient.connect(cachedPort)) {
            // As curl -N asks: no Accept field; the answer's Content-Type alone keeps it out of the store.
            first.send("GET /events HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse firstHead = first.readHead();
            assertEquals(StreamScripts.event(1).strip(), first.readEvent());
            assertEquals("serai; fwd=uri-miss; detail=event-stream", firstHead.header("Cache-Status"));

            // A second subscriber (as a browser's EventSource asks) while the first stream runs gets its own
            // stream at once: not the first one's, and not after waiting for it.
            long asked = System.nanoTime();
            second.send("GET /events HTTP/1.1\r\nHost: a\r\nAccept: text/event-stream\r\n\r\n");
            RawResponse secondHead = second.readHead();
            assertEquals(StreamScripts.event(1).strip(), second.readEvent());
            long waited = (System.nanoTime() - asked) / 1_000_000;
            assertTrue(waited < 500, "the second subscriber waited " + waited + " ms for its first event");
            assertEquals("serai; fwd=bypass; detail=event-stream", secondHead.header("Cache-Status"));
            for (int i = 2; i <= 4; i++) {
                assertEquals(StreamScripts.event(i).strip(), first.readEvent());
            }
            assertNull(first.readEvent());
        }
        // After a whole stream has passed, a new subscriber still gets a live stream from the backend.
        try (StreamingClient third = StreamingClient.connect(cachedPort)) {
            third.send("GET /events HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse head = third.readHead();
            assertEquals(
                    "chunked", head.header("Transfer-Encoding"), head.headers().toString());
            assertEquals(StreamScripts.event(1).strip(), third.readEvent());
            assertEquals("serai; fwd=uri-miss; detail=event-stream", head.header("Cache-Status"));
            assertEquals(3, backend.conversations().size(), "every subscriber reached the backend");
        }
    }

    @Test
    void anEventStreamLongerThanTheUpstreamTimeoutPassesWhileEventsFlow() throws Exception {
        // serai.upstream.timeout waits for the head only; events 700 ms apart keep within the read-idle timeout.
        start(
                StreamScripts.events(5, Duration.ofMillis(700)),
                "serai.upstream.timeout",
                "1s",
                "serai.upstream.read-idle-timeout",
                "1s");
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            long asked = System.nanoTime();
            client.send("GET /events HTTP/1.1\r\nHost: a\r\nAccept: text/event-stream\r\n\r\n");
            assertEquals(200, client.readHead().status());
            for (int i = 1; i <= 5; i++) {
                assertEquals(StreamScripts.event(i).strip(), client.readEvent());
            }
            assertNull(client.readEvent(), "the stream ended whole, with its last chunk");
            long took = (System.nanoTime() - asked) / 1_000_000;
            assertTrue(took >= 2500, "the stream lasted " + took + " ms, more than both timeouts");
        }
    }
}
