package io.serai.streaming;

import io.serai.support.Behaviours;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.StreamingBackend;
import io.serai.support.StreamingClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP cache and a response that streams: the client gets it as it arrives, and the cache stores it
 * once it has passed whole, when it stayed within serai.cache.max-object (64 KiB here); a larger one passes
 * through uncached instead of failing.
 */
@Timeout(60)
class CachingStreamedResponsesTest {

    private static final String ROUTES = """
            - route:
                id: cached
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
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

    /** A cacheable body of {@code chunks} chunks of {@code size} bytes, 200 ms apart, without Content-Length. */
    private void start(int chunks, int size) throws Exception {
        backend = StreamingBackend.start(c -> {
            c.readHead();
            c.head(
                    200,
                    "Content-Type",
                    "application/octet-stream",
                    "Cache-Control",
                    "max-age=60",
                    "Transfer-Encoding",
                    "chunked");
            byte[] all = Behaviours.pattern(chunks * size);
            for (int i = 0; i < chunks; i++) {
                if (i > 0) {
                    c.pause(Duration.ofMillis(200));
                }
                c.chunk(Arrays.copyOfRange(all, i * size, (i + 1) * size));
            }
            c.endChunks();
        });
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("serai.cache.max-object", "64KiB")
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
    void aStreamedResponseIsStoredOnceItHasPassedWholeAndThenAnsweredFromTheCache() throws Exception {
        start(3, 8 * 1024);
        RawResponse first = get();
        assertEquals("serai; fwd=uri-miss; detail=streamed", first.header("Cache-Status"));
        assertArrayEquals(Behaviours.pattern(24 * 1024), first.body());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> get().header("Cache-Status").contains("hit"));
        RawResponse hit = get();
        assertArrayEquals(Behaviours.pattern(24 * 1024), hit.body());
        assertEquals(1, backend.conversations().size(), "hits do not reach the backend");
    }

    @Test
    void aStreamedResponseOverMaxObjectPassesWholeAndUncached() throws Exception {
        start(4, 32 * 1024);
        RawResponse first = get();
        assertArrayEquals(Behaviours.pattern(128 * 1024), first.body(), "the client gets all of it");
        RawResponse second = get();
        assertArrayEquals(Behaviours.pattern(128 * 1024), second.body());
        assertTrue(second.header("Cache-Status").startsWith("serai; fwd=uri-miss"), second.header("Cache-Status"));
        assertEquals(2, backend.conversations().size(), "each request reached the backend");
    }

    private RawResponse get() throws Exception {
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("GET /file HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse head = client.readHead();
            return new RawResponse(head.version(), head.status(), head.headers(), client.readBody(head));
        }
    }
}
