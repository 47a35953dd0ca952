package io.serai.resilience;

import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concurrency limits per route and per member: what backends see at once, and who waits or gets 503. */
@Timeout(60)
class ConcurrencyLimitTest {

    private static final String ROUTES = """
            - beans:
                - name: twoAtATime
                  type: "#class:io.serai.resilience.ConcurrencyLimitPolicy"
                  properties: {maxConcurrent: 2, maxWait: 3s}
                - name: twoAndNoPatience
                  type: "#class:io.serai.resilience.ConcurrencyLimitPolicy"
                  properties: {maxConcurrent: 2, maxWait: 100ms}
            - route:
                id: patient
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/patient?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: twoAtATime
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            - route:
                id: impatient
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/impatient?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: twoAndNoPatience
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            - route:
                id: per-member
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/members?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        roundRobinLoadBalancer: {}
                        steps:
                          - to: "netty-http:http://{{backend.1}}?maxConcurrent=1&maxWait=3s"
                          - to: "netty-http:http://{{backend.2}}?maxConcurrent=1&maxWait=3s"
            """;

    @TempDir
    static Path dir;

    static TestBackend one;
    static TestBackend two;
    static RunningSerai serai;
    static final AtomicInteger now = new AtomicInteger();
    static final AtomicInteger most = new AtomicInteger();
    static final Map<String, AtomicInteger> perBackendNow =
            Map.of("one", new AtomicInteger(), "two", new AtomicInteger());
    static final Map<String, AtomicInteger> perBackendMost =
            Map.of("one", new AtomicInteger(), "two", new AtomicInteger());

    @BeforeAll
    static void start() throws Exception {
        one = TestBackend.start("one").respondWith(ConcurrencyLimitTest::slowAndCounted);
        two = TestBackend.start("two").respondWith(ConcurrencyLimitTest::slowAndCounted);
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", one.hostPort())
                .property("backend.2", two.hostPort())
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        one.close();
        two.close();
    }

    private static boolean slowAndCounted(
            io.serai.support.RecordedRequest request, java.net.Socket socket, java.io.OutputStream out, String name)
            throws IOException {
        int n = now.incrementAndGet();
        most.accumulateAndGet(n, Math::max);
        int mine = perBackendNow.get(name).incrementAndGet();
        perBackendMost.get(name).accumulateAndGet(mine, Math::max);
        try {
            Thread.sleep(300); // the backend's simulated work, while the concurrency is counted
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        now.decrementAndGet();
        perBackendNow.get(name).decrementAndGet();
        Behaviours.write(out, request, 200, Map.of("X-Backend", name), "ok".getBytes(StandardCharsets.UTF_8));
        return true;
    }

    @Test
    void aRouteLetsInItsLimitAndTheOthersWaitTheirTurn() throws Exception {
        most.set(0);
        List<Integer> statuses = concurrently("/patient", 6);
        assertEquals(List.of(200), statuses.stream().distinct().toList(), statuses.toString());
        assertTrue(most.get() <= 2, "the backend never saw more than 2 at once: " + most.get());
    }

    @Test
    void requestsThatCannotWaitLongEnoughGet503() throws Exception {
        most.set(0);
        List<Integer> statuses = concurrently("/impatient", 6);
        assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 503), statuses.toString());
        assertTrue(
                statuses.stream().filter(s -> s == 503).count() >= 2,
                "6 at once, 2 inside, 100 ms to wait for" + " a 300 ms call: " + statuses);
        assertTrue(most.get() <= 2, "the backend never saw more than 2 at once: " + most.get());
    }

    @Test
    void aMemberAtItsLimitIsSkippedAndRequestsWaitForOneWithRoom() throws Exception {
        perBackendMost.values().forEach(v -> v.set(0));
        List<Integer> statuses = concurrently("/members", 6);
        assertEquals(List.of(200), statuses.stream().distinct().toList(), statuses.toString());
        assertTrue(perBackendMost.get("one").get() <= 1, "member one had " + perBackendMost.get("one"));
        assertTrue(perBackendMost.get("two").get() <= 1, "member two had " + perBackendMost.get("two"));
    }

    private static List<Integer> concurrently(String path, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<RawResponse>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit(
                        () -> RawHttp.exchange(serai.port(), "GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n")));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<RawResponse> a : answers) {
                statuses.add(a.get(20, TimeUnit.SECONDS).status());
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }
}
