package io.serai.streaming;

import io.serai.support.Behaviours;
import io.serai.support.LogCapture;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SlowClients;
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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The route options that hold bodies whole instead of streaming them, as nginx's proxy_buffering and
 * proxy_request_buffering: responseBuffering=true holds each response up to
 * serai.upstream.max-response-body before it goes to the client; requestBuffering=true holds the request
 * body before the route runs, so that the route's own steps can read it. Without it, a step that reads a
 * body still streaming fails, naming the option; Camel's own stream caching does not change that.
 */
@Timeout(60)
class BufferingOptionsTest {

    private static final String ROUTES = """
            - route:
                id: held-responses
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/held?matchOnUriPrefix=true&responseBuffering=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: reads-the-body
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/buffered?matchOnUriPrefix=true&requestBuffering=true"
                  steps:
                    - convertBodyTo: {type: String}
                    - setBody: {simple: "received ${bodyAs(String).length()} characters: ${body}"}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: streams-the-body
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/streamed?matchOnUriPrefix=true"
                  steps:
                    - setBody: {simple: "received: ${body}"}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: stream-cached
                streamCache: "true"
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/cached?matchOnUriPrefix=true"
                  steps:
                    - convertBodyTo: {type: String}
                    - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    static StreamingBackend backend;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        backend = StreamingBackend.start(StreamScripts.echo());
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("serai.upstream.max-response-body", "1MiB")
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void responseBufferingHoldsTheResponseWholeBeforeItGoesToTheClient() throws Exception {
        backend.script(StreamScripts.firstThenRest(1024, Duration.ofSeconds(1), 1024));
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("GET /held/x HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse head = client.readHead();
            long arrived = System.nanoTime();
            long lastSent = backend.conversation(backend.conversations().size())
                    .sentAt()
                    .get(1);
            assertTrue(arrived >= lastSent, "the head came only after the backend had sent the whole body");
            assertEquals("2048", head.header("Content-Length"));
            assertArrayEquals(Behaviours.pattern(2048), client.readBody(head));
        } finally {
            backend.script(StreamScripts.echo());
        }
    }

    @Test
    void responseBufferingAnswersA502NamingTheSettingForAResponseOverMaxResponseBody() throws Exception {
        backend.script(StreamScripts.flood(4L * 1024 * 1024));
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("GET /held/big HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse head = client.readHead();
            assertEquals(502, head.status());
            assertTrue(new String(client.readBody(head)).contains("serai.upstream.max-response-body"));
        } finally {
            backend.script(StreamScripts.echo());
        }
        // The same response streams whole on a route without the option.
        backend.script(StreamScripts.flood(4L * 1024 * 1024));
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("GET /streamed/big HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse head = client.readHead();
            assertEquals(200, head.status());
            assertEquals(4 * 1024 * 1024, client.readBody(head).length);
        } finally {
            backend.script(StreamScripts.echo());
        }
    }

    @Test
    void requestBufferingLetsTheRoutesOwnStepsReadTheBody() throws Exception {
        RawResponse r = postInTwoParts("/buffered/x", "hello, ", "world");
        assertEquals(200, r.status());
        assertEquals("received 12 characters: hello, world", r.bodyText());
    }

    @Test
    void onAStreamingRouteAStepThatReadsTheBodyFailsNamingTheOption() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            RawResponse r = postInTwoParts("/streamed/x", "hello, ", "world");
            assertEquals(500, r.status());
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> log.text()
                            .contains("route streams-the-body: 500 a step reads a body that streams through the route; "
                                    + "add requestBuffering=true"));
        }
    }

    @Test
    void camelStreamCachingOnARouteDoesNotHoldAStreamedBody() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            RawResponse r = postInTwoParts("/cached/x", "hello, ", "world");
            assertEquals(500, r.status());
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> log.text()
                            .contains("route stream-cached: 500 a step reads a body that streams through the route; "
                                    + "add requestBuffering=true"));
        }
    }

    /** A POST whose body's second part comes a moment after its head and first part, so that the body streams. */
    private static RawResponse postInTwoParts(String path, String first, String second) throws Exception {
        return SlowClients.sendInParts(
                serai.port(),
                "POST " + path + " HTTP/1.1\r\nHost: a\r\nContent-Length: " + (first.length() + second.length())
                        + "\r\n\r\n" + first,
                second);
    }
}
