package io.serai.aggregation;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.StreamScripts;
import io.serai.support.StreamingBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An aggregation's call takes its answer whole, so its time limit ({@code callTimeout}) bounds the whole
 * answer, not only its head: a backend that sends its head at once and its body late misses it.
 */
@Timeout(30)
class WholeCallTimeLimitTest {

    @TempDir
    Path dir;

    @Test
    void aCallWhoseBodyComesAfterItsTimeLimitTimesOutThoughItsHeadCameAtOnce() throws Exception {
        try (StreamingBackend backend =
                        StreamingBackend.start(StreamScripts.firstThenRest(10, Duration.ofMillis(1500), 10));
                RunningSerai serai = RunningSerai.routes("""
                        - route:
                            from:
                              uri: "netty-http:http://127.0.0.1:{{serai.port}}/late/{id}"
                              steps:
                                - multicast:
                                    parallelProcessing: true
                                    timeout: 5s
                                    aggregationStrategy: jsonMerge
                                    steps:
                                      - to: "netty-http:http://{{backend.1}}/late/{id}?group=late&required=true&callTimeout=300ms"
                        """)
                        .property("backend.1", backend.hostPort())
                        .start(dir)) {
            long started = System.nanoTime();
            RawResponse r = RawHttp.exchange(serai.port(), "GET /late/1 HTTP/1.1\r\nHost: h\r\n\r\n");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(504, r.status(), r.bodyText());
            assertTrue(millis < 1400, "answered after " + millis + " ms: the body's wait was not bounded");
        }
    }
}
