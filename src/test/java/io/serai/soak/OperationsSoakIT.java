package io.serai.soak;

import io.serai.support.Behaviours;
import io.serai.support.MetricScrape;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.SlowClients;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An ordinary day on one replica, compressed: steady traffic for {@value #DEFAULT_SECONDS} s (GETs and POSTs,
 * some clients fast, some pausing about as long as the backends keep idle connections) while a route file is
 * edited every 2 s, a member of the balanced route crashes and comes back every 7 s, and every backend closes
 * connections idle for 1 s as it announces ({@code Keep-Alive: timeout=1}). No request may fail that a
 * well-behaved proxy would have served: the only failure allowed is a POST that had reached a member as it
 * crashed, read by it or in flight at that instant (no proxy can know whether it was processed). Failures are
 * counted and printed by kind.
 * {@code -Dsoak.seconds=N} runs it longer.
 */
@Timeout(240)
class OperationsSoakIT {

    static final int DEFAULT_SECONDS = 45;
    static final Duration SOAK = Duration.ofSeconds(Long.getLong("soak.seconds", DEFAULT_SECONDS));
    static final Duration IDLE_CLOSE = Duration.ofSeconds(1);

    @TempDir
    Path tmp;

    private final AtomicReferenceArray<TestBackend> members = new AtomicReferenceArray<>(3);
    /** Every backend instance that ever ran, crashed ones included: who received which request. */
    private final List<TestBackend> everyBackend = new CopyOnWriteArrayList<>();

    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final Map<String, String> failedIds = new ConcurrentHashMap<>();
    /** When each failed request was sent and when its failure came back (System.nanoTime). */
    private final Map<String, long[]> failedSpans = new ConcurrentHashMap<>();
    /** When each crash began and when every socket of the member was closed (System.nanoTime). */
    private final List<long[]> crashSpans = new CopyOnWriteArrayList<>();

    private final Set<String> generationsSeen = ConcurrentHashMap.newKeySet();
    private final AtomicLong answered = new AtomicLong();
    private volatile boolean running = true;

    @Test
    void steadyTrafficThroughEditsCrashesAndKeepAliveTimeoutsLosesNoRequestAProxyCouldServe() throws Exception {
        for (int i = 0; i < 3; i++) {
            members.set(i, backend("m" + (i + 1), 0));
        }
        TestBackend other = backend("other", 0);
        Path routes = Files.createDirectory(tmp.resolve("routes"));
        write(routes, "api.camel.yaml", apiRoute(0));
        write(routes, "other.camel.yaml", otherRoute(0));
        int port = RunningSerai.freePort();
        SeraiProcess.Builder builder = SeraiProcess.builder()
                .asTheReadmeStartsIt()
                .env("SERAI_ROUTES", routes.toString())
                .property("serai.port", port)
                .property("serai.access-log", "off")
                .property("m1", members.get(0).hostPort())
                .property("m2", members.get(1).hostPort())
                .property("m3", members.get(2).hostPort())
                .property("other", other.hostPort());
        int adminPort = builder.adminPort();
        try (SeraiProcess serai = builder.start(tmp)) {
            serai.awaitStatus("http://127.0.0.1:" + port + "/other", 200, Duration.ofSeconds(30));

            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                threads.add(start("fast-client-" + c, () -> client(port, 0, 20)));
                threads.add(start("pausing-client-" + c, () -> client(port, 700, 1300)));
            }
            AtomicInteger edits = new AtomicInteger();
            AtomicInteger crashes = new AtomicInteger();
            threads.add(start("editor", () -> editor(routes, edits)));
            threads.add(start("crasher", () -> crasher(crashes)));

            // Serai keeps running for the whole soak (checked every 200 ms), then the traffic stops.
            Waits.upTo(SOAK.plusSeconds(5))
                    .during(SOAK)
                    .pollInterval(Duration.ofMillis(200))
                    .alias("Serai running through the soak")
                    .until(serai::isAlive);
            running = false;
            for (Thread t : threads) {
                t.join(10_000);
            }

            int crossed =
                    everyBackend.stream().mapToInt(TestBackend::crossedCloses).sum();
            double reusedRetries = MetricScrape.value(adminPort, "serai_upstream_retries_total");
            Map<String, Integer> byKind = new TreeMap<>();
            failures.forEach((k, v) -> byKind.put(k, v.get()));
            Map<String, Integer> unexplained = new TreeMap<>(byKind);
            Map<String, Integer> allowed = new TreeMap<>();
            failedIds.forEach((id, kind) -> {
                if (kind.startsWith("POST ") && (reachedACrashedMember(id) || inFlightAtACrash(id))) {
                    unexplained.computeIfPresent(kind, (k, n) -> n == 1 ? null : n - 1);
                    allowed.merge(kind, 1, Integer::sum);
                }
            });
            System.out.printf(
                    "soak: %d s, %d answered, %d route file edits, %d member crashes, %d requests crossed a"
                            + " backend's idle close, %.0f retries on another connection or member;"
                            + " generations seen %d; failures by kind %s; of them POSTs that reached a crashing"
                            + " member %s%n",
                    SOAK.toSeconds(),
                    answered.get(),
                    edits.get(),
                    crashes.get(),
                    crossed,
                    reusedRetries,
                    generationsSeen.size(),
                    byKind,
                    allowed);
            assertTrue(serai.isAlive(), "Serai kept running; output:\n" + serai.output());
            assertEquals(Map.of(), unexplained, "requests a well-behaved proxy would have served");
            assertTrue(answered.get() > 1000, "traffic was steady: " + answered.get());
            assertTrue(crashes.get() >= SOAK.toSeconds() / 7 - 1, "members crashed: " + crashes.get());
            assertTrue(
                    generationsSeen.size() >= edits.get() / 2,
                    "edits took effect while traffic ran: " + generationsSeen.size() + " of " + edits.get());
        } finally {
            running = false;
            for (TestBackend b : everyBackend) {
                b.close();
            }
        }
    }

    /** A backend that closes connections idle for a second, as it announces. */
    private TestBackend backend(String name, int port) throws IOException {
        TestBackend b = TestBackend.start(name, port)
                .respondWith((request, socket, out, n) -> {
                    Behaviours.write(
                            out,
                            request,
                            200,
                            Map.of("Keep-Alive", "timeout=1", "X-Backend", n),
                            ("{\"backend\":\"" + n + "\"}").getBytes(StandardCharsets.UTF_8));
                    return true;
                })
                .closeIdleConnectionsAfter(IDLE_CLOSE, Duration.ofMillis(20));
        everyBackend.add(b);
        return b;
    }

    private void client(int port, int minPause, int maxPause) {
        RawHttp connection = null;
        int n = 0;
        while (running) {
            String path = ThreadLocalRandom.current().nextBoolean() ? "/api" : "/other";
            String method = ThreadLocalRandom.current().nextInt(3) == 0 ? "GET" : "POST";
            String id = Thread.currentThread().getName() + "-" + (n++);
            String kind = method + " " + path;
            long sentAt = System.nanoTime();
            try {
                if (connection == null) {
                    connection = RawHttp.connect(port);
                }
                String body = "{\"n\":" + n + "}";
                connection.send(method + " " + path + " HTTP/1.1\r\nHost: soak\r\nX-Request-Id: " + id
                        + (method.equals("POST")
                                ? "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                                        + body
                                : "\r\n\r\n"));
                RawResponse r = connection.read(method);
                if (r.status() == 200) {
                    answered.incrementAndGet();
                    String generation = r.header("X-Generation");
                    if (generation != null) {
                        generationsSeen.add(generation);
                    }
                } else {
                    String reason = new String(r.body(), StandardCharsets.UTF_8);
                    fail(
                            id,
                            sentAt,
                            kind + " -> " + r.status() + " " + reason.substring(0, Math.min(60, reason.length())));
                }
                if ("close".equalsIgnoreCase(r.header("Connection"))) {
                    connection.close();
                    connection = null;
                }
            } catch (IOException | RuntimeException e) {
                fail(id, sentAt, kind + " -> " + e.getClass().getSimpleName() + " " + e.getMessage());
                connection = quietlyClose(connection);
            }
            pause(minPause, maxPause);
        }
        quietlyClose(connection);
    }

    private void fail(String id, long sentAt, String kind) {
        failedSpans.put(id, new long[] {sentAt, System.nanoTime()});
        failures.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        failedIds.put(id, kind);
    }

    private boolean reachedACrashedMember(String id) {
        return everyBackend.stream()
                .anyMatch(b -> b.requests().stream().anyMatch(r -> id.equals(r.header("X-Request-Id"))));
    }

    /**
     * True when the request was on its way while a member crashed: sent before the member's sockets were all
     * closed, failed after the crash began. A POST still unread in the member's socket when it closed never shows
     * in its recorded requests, yet reached it as surely as one it had read; no proxy can tell the two apart.
     */
    private boolean inFlightAtACrash(String id) {
        long[] span = failedSpans.get(id);
        return span != null && crashSpans.stream().anyMatch(c -> span[0] <= c[1] && span[1] >= c[0]);
    }

    /** Every 2 s one of the two route files gets a new generation, as an operator's edits would. */
    private void editor(Path routes, AtomicInteger edits) {
        int generation = 0;
        while (running) {
            pause(2000, 2000);
            generation++;
            try {
                if (generation % 2 == 0) {
                    write(routes, "api.camel.yaml", apiRoute(generation));
                } else {
                    write(routes, "other.camel.yaml", otherRoute(generation));
                }
                edits.incrementAndGet();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Every 7 s a member crashes (listener and connections closed) and is back on its port a second later. */
    private void crasher(AtomicInteger crashes) {
        int next = 0;
        while (running) {
            pause(6000, 6000);
            if (!running) {
                return;
            }
            int i = next++ % 3;
            TestBackend crashed = members.get(i);
            try {
                long began = System.nanoTime();
                crashed.close();
                crashSpans.add(new long[] {began, System.nanoTime()});
                crashes.incrementAndGet();
                pause(1000, 1000);
                members.set(i, backend("m" + (i + 1), crashed.port()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String apiRoute(int generation) {
        return """
                - route:
                    id: api
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/api"
                      steps:
                        - loadBalance:
                            roundRobinLoadBalancer: {}
                            steps:
                              - to: "netty-http:http://{{m1}}"
                              - to: "netty-http:http://{{m2}}"
                              - to: "netty-http:http://{{m3}}"
                        - setHeader:
                            name: X-Generation
                            constant: "api-%d"
                """.formatted(generation);
    }

    private static String otherRoute(int generation) {
        return """
                - route:
                    id: other
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/other"
                      steps:
                        - to: "netty-http:http://{{other}}"
                        - setHeader:
                            name: X-Generation
                            constant: "other-%d"
                """.formatted(generation);
    }

    private static void write(Path routes, String name, String content) throws IOException {
        // Written beside and moved into place, as editors and ConfigMaps do, so no half file is read.
        Path temp = Files.writeString(routes.resolveSibling(name + ".tmp"), content);
        Files.move(temp, routes.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Thread start(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static RawHttp quietlyClose(RawHttp connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException ignored) {
                // already broken
            }
        }
        return null;
    }

    /** Traffic's own pacing (a client thinking, an operator between edits), never a wait before an assertion. */
    private static void pause(int minMillis, int maxMillis) {
        SlowClients.pause(
                Duration.ofMillis(minMillis + ThreadLocalRandom.current().nextInt(maxMillis - minMillis + 1)));
    }
}
