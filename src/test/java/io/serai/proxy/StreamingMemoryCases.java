package io.serai.proxy;

import io.serai.support.LoadBackend;
import io.serai.support.LoadClients;
import io.serai.support.LoadClients.Transfer;
import io.serai.support.RawHttp;
import io.serai.support.ResidentMemory;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.WebSocketBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19's figures for memory and speed, on the jar started as the README starts it (a subclass may add
 * JVM options), with a real backend and clients on loopback that make and check bodies as they pass: large
 * bodies pass whole at 200 MiB/s or more while Serai's resident memory grows by less than 64 MiB, and a
 * thousand idle server-sent event streams, or WebSockets, are held in less than 256 MiB. One Serai serves every case of a class; each case
 * reads Serai's peak RSS (VmHWM) from its own start. The figures are printed for the record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class StreamingMemoryCases {

    private static final long MIB = 1024 * 1024;
    private static final long MOST_GROWTH = 64 * MIB;
    private static final long MOST_RSS_FOR_IDLE_STREAMS = 256 * MIB;
    private static final double LEAST_MIB_PER_SECOND = 200;

    private LoadBackend backend;
    private WebSocketBackend webSockets;
    private SeraiProcess serai;
    private ResidentMemory memory;
    private int port;

    /** The JVM options added to the shipped ones. */
    abstract SeraiProcess.Builder options(SeraiProcess.Builder serai);

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        Path routes = Files.writeString(tmp.resolve("proxy.camel.yaml"), """
                - route:
                    id: proxy
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                      steps:
                        - to: "netty-http:http://{{backend.1}}"
                - route:
                    id: websockets
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/ws?webSocket=true"
                      steps:
                        - to: "netty-http:http://{{backend.ws}}"
                """);
        port = RunningSerai.freePort();
        backend = LoadBackend.start();
        webSockets = WebSocketBackend.start();
        serai = options(SeraiProcess.builder().asTheReadmeStartsIt())
                .env("SERAI_ROUTES", routes.toString())
                .property("serai.port", port)
                .property("backend.1", backend.hostPort())
                .property("backend.ws", webSockets.hostPort())
                .start(tmp);
        serai.awaitStatus("http://127.0.0.1:" + port + "/ready", 200, Duration.ofSeconds(30));
        memory = ResidentMemory.of(serai.pid());
        record("started, RSS " + ResidentMemory.mib(memory.now()));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (serai != null) {
                assertTrue(serai.isAlive(), serai.output());
                assertFalse(serai.output().contains("OutOfMemoryError"), serai.output());
                serai.close();
            }
        } finally {
            if (backend != null) {
                backend.close();
            }
            if (webSockets != null) {
                webSockets.close();
            }
        }
    }

    @Test
    void a512MibDownloadPassesWholeAtTwoHundredMibPerSecondWhileRssGrowsLessThan64Mib() throws Exception {
        long before = startMeasuring();
        Transfer download = LoadClients.download(port, "/bytes/" + 512 * MIB);
        long growth = memory.peak() - before;
        record("512 MiB download", download, growth);

        assertEquals(200, download.status());
        assertEquals(512 * MIB, download.bytes());
        assertTrue(download.intact(), "the body arrived altered");
        assertFast(download.mibPerSecond());
        assertGrowth(growth);
    }

    @Test
    void a512MibUploadPassesWholeAtTwoHundredMibPerSecondWhileRssGrowsLessThan64Mib() throws Exception {
        long before = startMeasuring();
        Transfer upload = LoadClients.upload(port, "/upload", 512 * MIB);
        long growth = memory.peak() - before;
        record("512 MiB upload", upload, growth);

        assertEquals(200, upload.status());
        assertEquals(512 * MIB, upload.bytes(), "bytes the backend received");
        assertTrue(upload.intact(), "the backend received the body altered");
        assertFast(upload.mibPerSecond());
        assertGrowth(growth);
    }

    @Test
    void twentyConcurrent100MibDownloadsPassWholeWhileRssGrowsLessThan64Mib() throws Exception {
        long before = startMeasuring();
        long start = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(20);
        List<Transfer> downloads = new ArrayList<>();
        try {
            List<Future<Transfer>> running = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                running.add(clients.submit(() -> LoadClients.download(port, "/bytes/" + 100 * MIB)));
            }
            for (Future<Transfer> f : running) {
                downloads.add(f.get(90, TimeUnit.SECONDS));
            }
        } finally {
            clients.shutdownNow();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        long growth = memory.peak() - before;
        double mibPerSecond = 20 * 100 / (took.toNanos() / 1e9);
        record(String.format(
                java.util.Locale.ROOT,
                "20 concurrent 100 MiB downloads: %.0f MiB/s in all, RSS grew %s",
                mibPerSecond,
                ResidentMemory.mib(growth)));

        for (Transfer download : downloads) {
            assertEquals(200, download.status());
            assertEquals(100 * MIB, download.bytes());
            assertTrue(download.intact(), "a body arrived altered");
        }
        assertFast(mibPerSecond);
        assertGrowth(growth);
    }

    @Test
    void aThousandIdleEventStreamsAreHeldInLessThan256MibOfRss() throws Exception {
        holdsAThousandIdle("event streams", LoadClients.eventStream("/events"), backend::openEventStreams);
        // Clients that leave take their backend connections with them.
        await().atMost(Duration.ofSeconds(20)).until(() -> backend.openEventStreams() == 0);
    }

    @Test
    void aThousandIdleWebSocketsAreHeldInLessThan256MibOfRss() throws Exception {
        holdsAThousandIdle("WebSockets", LoadClients.webSocket("/ws"), webSockets::openConnections);
        await().atMost(Duration.ofSeconds(20)).until(() -> webSockets.openConnections() == 0);
    }

    /**
     * Opens 1,000 streams of {@code kind} at once; while all are open (to the client and, as {@code atBackend}
     * counts, to the backend), Serai still answers and its peak RSS is in bounds.
     */
    private void holdsAThousandIdle(String what, LoadClients.IdleStream kind, IntSupplier atBackend) throws Exception {
        long before = startMeasuring();
        List<Socket> streams = LoadClients.openIdle(port, 1000, kind);
        try {
            assertEquals(1000, atBackend.getAsInt(), what + " open at the backend");
            assertEquals(
                    200,
                    RawHttp.exchange(port, "GET /ready HTTP/1.1\r\nHost: load\r\n\r\n")
                            .status(),
                    "an ordinary request while the streams are held");
            long peak = memory.peak();
            record("1,000 idle " + what + ": RSS " + ResidentMemory.mib(before) + " before, peak "
                    + ResidentMemory.mib(peak));
            assertTrue(
                    peak < MOST_RSS_FOR_IDLE_STREAMS,
                    "Serai's peak RSS holding 1,000 " + what + " was " + ResidentMemory.mib(peak) + ", not under "
                            + ResidentMemory.mib(MOST_RSS_FOR_IDLE_STREAMS));
        } finally {
            LoadClients.closeAll(streams);
        }
    }

    /** Serai's RSS now, with its peak reset to it. */
    private long startMeasuring() throws Exception {
        long now = memory.now();
        memory.resetPeak();
        return now;
    }

    private static void assertFast(double mibPerSecond) {
        assertTrue(
                mibPerSecond >= LEAST_MIB_PER_SECOND,
                String.format(
                        java.util.Locale.ROOT, "%.0f MiB/s, not %.0f or more", mibPerSecond, LEAST_MIB_PER_SECOND));
    }

    private static void assertGrowth(long growth) {
        assertTrue(
                growth < MOST_GROWTH,
                "Serai's RSS grew by " + ResidentMemory.mib(growth) + ", not less than "
                        + ResidentMemory.mib(MOST_GROWTH));
    }

    private void record(String what, Transfer transfer, long growth) {
        record(String.format(
                java.util.Locale.ROOT,
                "%s: %.0f MiB/s, RSS grew %s",
                what,
                transfer.mibPerSecond(),
                ResidentMemory.mib(growth)));
    }

    private void record(String line) {
        System.out.println(getClass().getSimpleName() + ": " + line);
    }
}
