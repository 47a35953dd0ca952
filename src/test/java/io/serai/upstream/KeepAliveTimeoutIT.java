package io.serai.upstream;

import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 21, part 3: a backend's keep-alive time-out firing under steady POSTs costs no request. */
class KeepAliveTimeoutIT {

    @TempDir
    Path tmp;

    @Test
    void postsASecondApartToABackendThatKeepsIdleConnectionsOneSecondNeverGet502() throws Exception {
        // The backend says timeout=1 and closes a connection idle 1 s; its close takes 300 ms to reach
        // Serai, so a POST sent on that connection meanwhile crosses it, as on a real network.
        try (TestBackend backend = TestBackend.start("b")
                        .closeIdleConnectionsAfter(Duration.ofSeconds(1), Duration.ofMillis(300));
                RunningSerai serai = RunningSerai.proxyTo(backend).start(tmp)) {
            backend.respondWith(Behaviours.status(200, Map.of("Keep-Alive", "timeout=1"), "ok"));
            Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
            AtomicInteger sent = new AtomicInteger();
            ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
            // One client connection, so that every POST takes the same event loop's pool of backend connections.
            Client client = new Client(serai.port());
            // A second between the end of one answer and the next POST, 20 times: each time the backend's timer
            // has just run out.
            sender.scheduleWithFixedDelay(
                    () -> {
                        if (sent.incrementAndGet() > 20) {
                            sender.shutdown();
                            return;
                        }
                        statuses.merge(client.post(), 1, Integer::sum);
                    },
                    0,
                    1000,
                    TimeUnit.MILLISECONDS);
            try {
                assertTrue(sender.awaitTermination(60, TimeUnit.SECONDS), "20 POSTs were not done within 60 s");
            } finally {
                sender.shutdownNow();
                client.close();
            }
            Map<Integer, Integer> tally = new TreeMap<>(statuses);
            assertEquals(Map.of(200, 20), tally, "every POST answered 200");
            assertEquals(0, backend.crossedCloses(), "no POST went on a connection the backend was closing");
        }
    }

    /** A keep-alive client connection, opened again if Serai closes it. */
    private static final class Client {
        private final int port;
        private RawHttp connection;

        Client(int port) {
            this.port = port;
        }

        int post() {
            try {
                if (connection == null) {
                    connection = RawHttp.connect(port);
                }
                return connection
                        .send("POST /orders HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}")
                        .read()
                        .status();
            } catch (IOException e) {
                close();
                return -1;
            }
        }

        void close() {
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (IOException ignored) {
                // already gone
            }
            connection = null;
        }
    }
}
