package io.serai.proxy;

import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.StreamScripts;
import io.serai.support.StreamingBackend;
import io.serai.support.StreamingClient;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM on the packaged jar under steady keep-alive traffic, as Kubernetes stops a pod: no request that
 * had started is lost, new connections are refused, readiness says 503 before the exit, and the process
 * exits within serai.shutdown.timeout.
 */
@Timeout(120)
class GracefulShutdownIT {

    private static final int CLIENTS = 4;
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    @Test
    void sigtermUnderKeepAliveTrafficLosesNoRequestThatHadStarted() throws Exception {
        try (TestBackend backend = TestBackend.start("slow").respondWith(Behaviours.slow(Duration.ofMillis(300)))) {
            int port = RunningSerai.freePort();
            int admin = RunningSerai.freePort();
            try (SeraiProcess serai = startProxyingTo(backend.hostPort(), port, admin)) {

                ConcurrentMap<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
                AtomicBoolean terminated = new AtomicBoolean();
                List<KeepAliveClient> clients = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    KeepAliveClient client = new KeepAliveClient(port, outcomes, terminated);
                    clients.add(client);
                    client.start();
                }
                Waits.upTo(Waits.PROMPTLY).until(() -> clients.stream().allMatch(c -> c.answered.get() >= 3));

                long sigterm = System.nanoTime();
                terminated.set(true);
                serai.terminate();
                boolean saw503 = false;
                while (serai.isAlive() && !saw503) {
                    saw503 = readiness(admin) == 503;
                }
                assertTrue(saw503, "readiness never said 503 before the exit:\n" + serai.output());
                Waits.upTo(Duration.ofSeconds(5)).until(() -> refused(port));
                int exit = serai.awaitExit(SHUTDOWN_TIMEOUT.plusSeconds(5));
                long tookMillis = (System.nanoTime() - sigterm) / 1_000_000;
                for (KeepAliveClient client : clients) {
                    client.join(15_000);
                }
                Map<String, Integer> tally = new TreeMap<>();
                outcomes.forEach((kind, n) -> tally.put(kind, n.get()));
                System.out.println("graceful shutdown: exit " + exit + " after " + tookMillis + " ms; " + tally);

                int failed = tally.entrySet().stream()
                        .filter(e -> !e.getKey().equals("ok")
                                && !e.getKey().equals("ok, Connection: close")
                                && !e.getKey().equals("refused before sending"))
                        .mapToInt(Map.Entry::getValue)
                        .sum();
                assertEquals(0, failed, "requests that had started and got no full answer: " + tally);
                assertTrue(
                        tally.getOrDefault("ok, Connection: close", 0) >= CLIENTS,
                        "every kept-alive client was told to leave: " + tally);
                assertTrue(tookMillis < SHUTDOWN_TIMEOUT.plusSeconds(2).toMillis(), tookMillis + " ms");
            }
        }
    }

    @Test
    void aResponseStillStreamingAtSigtermIsSentWhole() throws Exception {
        // 20 chunks 150 ms apart: about 3 s of body, most of it after the SIGTERM.
        try (StreamingBackend backend =
                StreamingBackend.start(StreamScripts.trickle(20, 1000, Duration.ofMillis(150)))) {
            int port = RunningSerai.freePort();
            int admin = RunningSerai.freePort();
            try (SeraiProcess serai = startProxyingTo(backend.hostPort(), port, admin)) {
                try (StreamingClient client = StreamingClient.connect(port)) {
                    RawResponse head = client.send("GET /download HTTP/1.1\r\nHost: serai.test\r\n\r\n")
                            .readHead();
                    assertEquals(200, head.status());
                    serai.terminate();
                    byte[] body = client.readBody(head);
                    assertEquals(20_000, body.length, "the whole body:\n" + serai.output());
                    assertTrue(Behaviours.isPattern(body), "the body intact");
                }
                serai.awaitExit(SHUTDOWN_TIMEOUT.plusSeconds(5));
            }
        }
    }

    /** The jar as a user runs it, proxying {@code port} to {@code backend}, ready on {@code admin}. */
    private SeraiProcess startProxyingTo(String backend, int port, int admin) throws Exception {
        Path routes = Files.createDirectory(tmp.resolve("routes"));
        Files.writeString(routes.resolve("proxy.camel.yaml"), RunningSerai.PROXY_ROUTE);
        SeraiProcess serai = SeraiProcess.builder()
                .env("SERAI_ROUTES", routes.toString())
                .property("serai.port", port)
                .property("serai.admin.port", admin)
                .property("backend.1", backend)
                .property("serai.shutdown.timeout", SHUTDOWN_TIMEOUT.toSeconds() + "s")
                .start(tmp);
        try {
            serai.awaitStatus("http://127.0.0.1:" + admin + "/health/ready", 200, Duration.ofSeconds(30));
        } catch (RuntimeException | Error notReady) {
            serai.close();
            throw notReady;
        }
        return serai;
    }

    private static int readiness(int admin) {
        try {
            return RawHttp.exchange(admin, "GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .status();
        } catch (IOException e) {
            return -1;
        }
    }

    private static boolean refused(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends GET after GET on one kept-alive connection; opens a new one when told Connection: close, and
     * stops when Serai refuses it after the SIGTERM.
     */
    private static final class KeepAliveClient extends Thread {
        private final int port;
        private final ConcurrentMap<String, AtomicInteger> outcomes;
        private final AtomicBoolean terminated;
        final AtomicInteger answered = new AtomicInteger();

        KeepAliveClient(int port, ConcurrentMap<String, AtomicInteger> outcomes, AtomicBoolean terminated) {
            this.port = port;
            this.outcomes = outcomes;
            this.terminated = terminated;
            setDaemon(true);
        }

        @Override
        public void run() {
            RawHttp connection = null;
            while (true) {
                if (connection == null) {
                    try {
                        connection = RawHttp.connect(port);
                    } catch (IOException e) {
                        count(terminated.get() ? "refused before sending" : "refused while running: " + e);
                        return;
                    }
                }
                RawResponse answer;
                try {
                    answer = connection
                            .send("GET /item HTTP/1.1\r\nHost: serai.test\r\n\r\n")
                            .read();
                } catch (IOException e) {
                    count("no answer to a request sent: " + e.getMessage());
                    close(connection);
                    connection = null;
                    continue;
                }
                boolean closing = "close".equalsIgnoreCase(answer.header("Connection"));
                if (answer.status() != 200 || !answer.bodyText().contains("slow")) {
                    count("status " + answer.status() + " " + answer.bodyText().strip());
                } else {
                    count(closing ? "ok, Connection: close" : "ok");
                    answered.incrementAndGet();
                }
                if (closing) {
                    close(connection);
                    connection = null;
                }
            }
        }

        private void count(String kind) {
            outcomes.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        }

        private static void close(RawHttp connection) {
            try {
                connection.close();
            } catch (IOException ignored) {
                // already closed by Serai
            }
        }
    }
}
