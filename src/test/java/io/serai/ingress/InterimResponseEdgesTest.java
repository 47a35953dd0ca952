package io.serai.ingress;

import io.serai.support.Behaviour;
import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interim responses from a backend that misbehaves or sends unusual ones: a flood of 103s, a 103 ahead of a
 * HEAD's answer, a malformed 103, a 100, pipelined requests, Via. Each answer must come well within
 * {@code serai.upstream.timeout} (4 s here): a call that waits for it has lost its place.
 */
@Timeout(30)
class InterimResponseEdgesTest {

    private static final long PROMPT_MILLIS = 2_000;

    @TempDir
    static Path dir;

    private static TestBackend backend;
    private static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("edgy").respondWith(new EdgyBackend());
        serai = RunningSerai.proxyTo(backend)
                .property("serai.upstream.timeout", "4s")
                .start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        backend.close();
    }

    @Test
    void aBackendFloodingTheClientWithHintsGetsOnlyAFewThroughThenTheFinalResponse() throws IOException {
        long started = System.nanoTime();
        try (RawHttp client = RawHttp.connect(serai.port())) {
            client.send("GET /flood HTTP/1.1\r\nHost: a\r\n\r\n");
            int hints = 0;
            RawResponse response = client.read();
            while (response.status() == 103) {
                hints++;
                response = client.read();
            }
            assertEquals(200, response.status());
            assertEquals("done", response.bodyText());
            assertTrue(hints >= 1 && hints <= 8, hints + " hints forwarded of " + EdgyBackend.FLOOD);
        }
        assertPrompt(started);
    }

    @Test
    void aHeadWhoseAnswerFollowsAHintHasNoBodyAndItsConnectionServesTheNextRequest() throws IOException {
        long started = System.nanoTime();
        try (RawHttp client = RawHttp.connect(serai.port())) {
            client.send("HEAD /head HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(103, client.read("HEAD").status());
            RawResponse head = client.read("HEAD");
            assertEquals(200, head.status());
            assertEquals("5", head.header("Content-Length"));
            assertPrompt(started);

            RawResponse get =
                    client.send("GET /head HTTP/1.1\r\nHost: a\r\n\r\n").read();
            while (get.status() == 103) {
                get = client.read();
            }
            assertEquals(200, get.status());
            assertEquals("hello", get.bodyText());
        }
        assertPrompt(started);
        List<RecordedRequest> requests = backend.requests();
        RecordedRequest headRequest = requests.get(requests.size() - 2);
        assertEquals("HEAD", headRequest.method());
        assertEquals(
                headRequest.connection(),
                requests.get(requests.size() - 1).connection(),
                "the backend connection went back to the pool after the HEAD's answer");
    }

    @Test
    void aMalformedInterimResponseIsABadGatewayAtOnceAndNothingOfItIsForwarded() throws IOException {
        long started = System.nanoTime();
        try (RawHttp client = RawHttp.connect(serai.port())) {
            assertEquals(
                    502,
                    client.send("GET /malformed HTTP/1.1\r\nHost: a\r\n\r\n")
                            .read()
                            .status());
        }
        assertPrompt(started);
    }

    @Test
    void aBackendsHundredContinueIsNotForwarded() throws IOException {
        try (RawHttp client = RawHttp.connect(serai.port())) {
            RawResponse first =
                    client.send("GET /continue HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals(200, first.status(), "the first thing the client reads is the final response");
        }
    }

    @Test
    void aForwardedInterimResponseCarriesSeraisViaAfterTheBackendsOwn() throws IOException {
        try (RawHttp client = RawHttp.connect(serai.port())) {
            RawResponse hints =
                    client.send("GET /via HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals(103, hints.status());
            String via = String.join(", ", hints.headers("Via"));
            assertTrue(via.matches("1\\.1 inner, 1\\.1 \\S+"), via);
            assertEquals(200, client.read().status());
        }
    }

    @Test
    void aPipelinedRequestsHintsComeAfterTheAnswerBeforeIt() throws IOException {
        try (RawHttp client = RawHttp.connect(serai.port())) {
            client.send("GET /plain HTTP/1.1\r\nHost: a\r\n\r\nGET /via HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse first = client.read();
            assertEquals(200, first.status());
            assertEquals("plain", first.bodyText());
            assertEquals(103, client.read().status());
            RawResponse second = client.read();
            assertEquals(200, second.status());
            assertEquals("done", second.bodyText());
        }
    }

    private static void assertPrompt(long startedNanos) {
        long millis = (System.nanoTime() - startedNanos) / 1_000_000;
        assertTrue(millis < PROMPT_MILLIS, "answered after " + millis + " ms");
    }

    /** Answers by path: each a way a backend's interim responses can go wrong or be unusual. */
    private static final class EdgyBackend implements Behaviour {

        static final int FLOOD = 10_000;

        private static final String HINT = "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload; as=style\r\n\r\n";

        @Override
        public boolean answer(RecordedRequest request, Socket socket, OutputStream out, String backendName)
                throws IOException {
            String target = request.target();
            Map<String, String> text = Map.of("Content-Type", "text/plain");
            switch (target) {
                case "/flood" -> {
                    write(out, HINT.repeat(FLOOD));
                    Behaviours.write(out, request, 200, text, bytes("done"));
                }
                case "/head" -> {
                    write(out, HINT);
                    Behaviours.write(out, request, 200, text, bytes("hello"));
                }
                case "/malformed" -> {
                    // A field longer than serai.limits.max-header (32 KiB); then nothing: the connection stays.
                    write(out, "HTTP/1.1 103 Early Hints\r\nLink: <" + "x".repeat(40_000) + ">\r\n\r\n");
                    return true;
                }
                case "/continue" -> {
                    write(out, "HTTP/1.1 100 Continue\r\n\r\n");
                    Behaviours.write(out, request, 200, text, bytes("done"));
                }
                case "/via" -> {
                    write(out, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\nVia: 1.1 inner\r\n\r\n");
                    Behaviours.write(out, request, 200, text, bytes("done"));
                }
                default -> Behaviours.write(out, request, 200, text, bytes("plain"));
            }
            return true;
        }

        private static void write(OutputStream out, String raw) throws IOException {
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        private static byte[] bytes(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }
}
