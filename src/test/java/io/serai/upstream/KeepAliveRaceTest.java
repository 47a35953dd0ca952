package io.serai.upstream;

import io.serai.support.Behaviours;
import io.serai.support.MetricScrape;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Backend connections are pooled per event loop, so each test sends its requests on one client connection.
 * A reused keep-alive connection that the backend closes as the request arrives: a request that can be
 * sent again is, on a fresh connection; a POST counts as one when it carries Idempotency-Key.
 */
class KeepAliveRaceTest {

    @TempDir
    Path tmp;

    @Test
    void aPostWithAnIdempotencyKeyIsSentAgainWhenItsReusedConnectionCloses() throws Exception {
        int admin = RunningSerai.freePort();
        // Every request after the first on a connection crosses the backend's close: the worst case of the race.
        try (TestBackend backend =
                        TestBackend.start("b").closeIdleConnectionsAfter(Duration.ZERO, Duration.ofSeconds(10));
                RunningSerai serai = RunningSerai.proxyTo(backend)
                        .property("serai.admin.port", admin)
                        .start(tmp)) {
            backend.respondWith(Behaviours.echo());

            RawResponse second;
            try (RawHttp client = RawHttp.connect(serai.port())) {
                assertEquals(200, post(client, "Idempotency-Key: k1\r\n").status());
                second = post(client, "Idempotency-Key: k2\r\n");
            }

            assertEquals(200, second.status(), second.bodyText());
            assertEquals(1, backend.crossedCloses(), "the second POST went first on the reused connection");
            assertEquals(
                    1.0, MetricScrape.value(admin, "serai_upstream_retries_total", "reason=\"reused_connection\""));
            assertEquals(1.0, MetricScrape.value(admin, "serai_upstream_reused_connection_failures_total"));
        }
    }

    @Test
    void aPostWithoutAnIdempotencyKeyIsNotSentAgain() throws Exception {
        try (TestBackend backend =
                        TestBackend.start("b").closeIdleConnectionsAfter(Duration.ZERO, Duration.ofSeconds(10));
                RunningSerai serai = RunningSerai.proxyTo(backend).start(tmp)) {
            backend.respondWith(Behaviours.echo());

            try (RawHttp client = RawHttp.connect(serai.port())) {
                assertEquals(200, post(client, "").status());
                // It may have been processed: the client decides, as with nginx.
                assertEquals(502, post(client, "").status());
            }
            assertEquals(1, backend.crossedCloses());
        }
    }

    /** A POST on {@code client}'s connection, so that Serai sends it from the same event loop's pool. */
    private static RawResponse post(RawHttp client, String extraHeaders) throws Exception {
        return client.send("POST /orders HTTP/1.1\r\nHost: h\r\n" + extraHeaders + "Content-Length: 2\r\n\r\n{}")
                .read();
    }
}
