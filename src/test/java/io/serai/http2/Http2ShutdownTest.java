package io.serai.http2;

import io.serai.support.Behaviours;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2 and time: a graceful shutdown tells a client GOAWAY and lets its open stream finish; an idle
 * connection is closed, and a stream whose body stops coming is reset, after serai.client.idle-timeout.
 */
@Timeout(60)
class Http2ShutdownTest {

    @TempDir
    Path dir;

    @Test
    void aGracefulShutdownSendsGoAwayAndTheOpenStreamFinishes() throws Exception {
        try (TestBackend backend = TestBackend.start("slow-h2").respondWith(Behaviours.slow(Duration.ofMillis(1500)))) {
            RunningSerai serai = RunningSerai.proxyTo(backend)
                    .property("serai.shutdown.timeout", "10s")
                    .start(dir);
            try (RawH2 h2 = RawH2.connect(serai.port())) {
                h2.headers(1, h2.get("/in-flight"), true);
                backend.awaitRequests(1, Duration.ofSeconds(5));
                CompletableFuture<Void> stopping = CompletableFuture.runAsync(serai::close);
                RawH2.Frame goAway = null;
                int status = -1;
                try {
                    while (true) {
                        RawH2.Frame f = h2.read();
                        if (f.type() == RawH2.GOAWAY) {
                            goAway = f;
                        } else if (f.type() == RawH2.HEADERS && f.stream() == 1) {
                            assertNotNull(goAway, "GOAWAY came before the answer");
                            status = 200;
                        } else if (f.type() == RawH2.DATA && (f.flags() & RawH2.END_STREAM) != 0) {
                            break;
                        }
                    }
                } catch (EOFException | SocketException closed) {
                    // the connection ends once its stream has
                }
                assertNotNull(goAway, "GOAWAY");
                assertEquals(0, goAway.errorCode(), "NO_ERROR");
                assertEquals(200, status, "the open stream was answered");
                stopping.get(20, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aStreamWhoseBodyStopsComingIsResetAfterTheIdleTimeout() throws Exception {
        try (TestBackend backend = TestBackend.start("stalled-body-h2")) {
            RunningSerai serai = RunningSerai.proxyTo(backend)
                    .property("serai.client.idle-timeout", "500ms")
                    .start(dir);
            try (RawH2 h2 = RawH2.connect(serai.port())) {
                h2.headers(1, h2.get("/stalled").method("POST"), false);
                h2.data(1, "part of a body".getBytes(), false);
                long start = System.nanoTime();
                RawH2.Outcome outcome = h2.await(1);
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertNotNull(outcome.reset() != null ? outcome.reset() : outcome.goAway(), String.valueOf(outcome));
                assertTrue(tookMillis >= 400 && tookMillis < 5_000, "reset after " + tookMillis + " ms");
                assertEquals(0, backend.requests().size(), "the backend never saw the partial request as whole");
            } finally {
                serai.close();
            }
        }
    }

    /**
     * After one request, nothing but (when {@code pinging}) a PING every 100 ms: frames, but no stream. Either
     * way the connection ends after the idle timeout (before, a pinging client held it for ever).
     */
    @ParameterizedTest(name = "client pings meanwhile: {0}")
    @ValueSource(booleans = {false, true})
    void aConnectionWithoutStreamsIsClosedAfterTheIdleTimeout(boolean pinging) throws Exception {
        try (TestBackend backend = TestBackend.start("idle-h2")) {
            RunningSerai serai = RunningSerai.proxyTo(backend)
                    .property("serai.client.idle-timeout", "500ms")
                    .start(dir);
            ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
            try (RawH2 h2 = RawH2.connect(serai.port())) {
                h2.headers(1, h2.get("/once"), true);
                assertEquals(200, h2.await(1).status());
                long start = System.nanoTime();
                if (pinging) {
                    pinger.scheduleAtFixedRate(
                            () -> {
                                try {
                                    h2.frame(RawH2.PING, 0, 0, new byte[8]);
                                } catch (IOException closed) {
                                    throw new IllegalStateException(closed); // ends the schedule
                                }
                            },
                            0,
                            100,
                            TimeUnit.MILLISECONDS);
                }
                RawH2.Frame goAway = h2.awaitGoAway();
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(goAway == null || goAway.errorCode() == 0, String.valueOf(goAway));
                assertTrue(tookMillis < 5_000, "closed after " + tookMillis + " ms");
            } finally {
                pinger.shutdownNow();
                serai.close();
            }
        }
    }
}
