package io.serai.balancing;

import io.serai.support.Behaviours;
import io.serai.support.MemberBackends;
import io.serai.support.MetricScrape;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.SlowClients;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 21, part 4: a member whose connection cannot be made never saw the request, so the balancer sends
 * it to a member not yet tried, whatever its method, and counts it; an idempotent request whose member
 * closed without an answer goes on too.
 */
class ConnectFailoverTest {

    private static final String ROUTE = """
            - route:
                id: rr
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        roundRobinLoadBalancer: {}
                        steps:
                          - to: "netty-http:{{backend.1}}"
                          - to: "netty-http:{{backend.2}}"
                          - to: "netty-http:{{backend.3}}"
            """;

    @TempDir
    Path tmp;

    @Test
    void aMemberWhoseProcessStopsUnderTrafficCostsNoRequestThatHadNotReachedIt() throws Exception {
        int admin = RunningSerai.freePort();
        try (MemberBackends backends = MemberBackends.start(3);
                RunningSerai serai = RunningSerai.routes(ROUTE)
                        .properties(backends.properties())
                        .property("serai.admin.port", admin)
                        .property("serai.errors.verbose", true)
                        .start(tmp)) {
            Map<Integer, String> answers = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService clients = Executors.newFixedThreadPool(4);
            for (int c = 0; c < 4; c++) {
                clients.execute(() -> {
                    while (running.get()) {
                        int seq = next.incrementAndGet();
                        answers.put(seq, answer(serai.port(), seq));
                    }
                });
            }
            try {
                Waits.upTo(Waits.PROMPTLY)
                        .until(() -> backends.backend(2).requests().size() >= 20);
                int before = answers.size();
                backends.backend(2).close(); // its listener and connections close, as a crashed process's do
                Waits.upTo(Waits.PROMPTLY).until(() -> answers.size() >= before + 300);
            } finally {
                running.set(false);
                clients.shutdown();
                assertTrue(clients.awaitTermination(15, TimeUnit.SECONDS), "clients did not finish");
            }

            // A request had reached b2 when b2 read it, or when Serai had sent it on an open connection to b2
            // that then closed without an answer: b2 may have processed it, and a POST is not sent twice.
            Set<String> readByB2 = backends.backend(2).requests().stream()
                    .map(r -> r.header("X-Seq"))
                    .collect(Collectors.toSet());
            String sentToB2 = backends.backend(2).url() + " closed the connection before a complete response";
            Map<String, Integer> failures = new TreeMap<>();
            Map<String, Integer> notReached = new TreeMap<>();
            answers.forEach((seq, answer) -> {
                if (!answer.equals("200")) {
                    failures.merge(answer, 1, Integer::sum);
                    if (!readByB2.contains(String.valueOf(seq)) && !answer.contains(sentToB2)) {
                        notReached.merge(answer, 1, Integer::sum);
                    }
                }
            });
            assertEquals(Map.of(), notReached, "failed answers to requests b2 never had; all failures: " + failures);
            assertTrue(
                    MetricScrape.value(
                                    admin,
                                    "serai_upstream_retries_total",
                                    "reason=\"connect_failure\"",
                                    "backend=\"" + backends.backend(2).url() + "\"")
                            > 0,
                    "requests refused by b2 were sent on and counted");
        }
    }

    @Test
    void aPostToARefusingMemberGoesToTheNextOne() throws Exception {
        try (MemberBackends backends = MemberBackends.start(3);
                RunningSerai serai = RunningSerai.routes(ROUTE)
                        .properties(backends.properties())
                        .start(tmp)) {
            backends.backend(1).close();
            backends.backend(2).close();
            for (int i = 0; i < 6; i++) {
                assertEquals(200, send(serai.port(), i), "request " + i);
            }
            assertEquals(6, backends.backend(3).requests().size());
            assertEquals(
                    3,
                    backends.backend(3).requests().stream()
                            .map(RecordedRequest::method)
                            .filter("POST"::equals)
                            .count());
        }
    }

    @Test
    void anIdempotentRequestWhoseMemberClosedWithoutAnswerGoesToTheNextMemberAPostDoesNot() throws Exception {
        // nginx's default proxy_next_upstream error: a GET the member read and dropped is sent on; a POST
        // may have been processed, so its client gets the 502.
        int admin = RunningSerai.freePort();
        try (TestBackend dropping = TestBackend.start("dropping").respondWith(Behaviours.resetImmediately());
                TestBackend json = TestBackend.start("json").respondWith(Behaviours.json());
                RunningSerai serai = RunningSerai.routes(ROUTE)
                        .property("backend.1", dropping.url())
                        .property("backend.2", json.url())
                        .property("backend.3", json.url())
                        .property("serai.admin.port", admin)
                        .start(tmp)) {
            Map<String, Integer> statuses = new TreeMap<>();
            for (int i = 0; i < 12; i++) {
                int seq = i < 6 ? 2 * i + 1 : 2 * i; // six POSTs, then six GETs
                statuses.merge((seq % 2 == 0 ? "GET " : "POST ") + send(serai.port(), seq), 1, Integer::sum);
            }
            assertEquals(6, statuses.get("GET 200"), "every GET answered: " + statuses);
            assertTrue(statuses.getOrDefault("POST 502", 0) > 0, "a dropped POST is not sent twice: " + statuses);
            assertTrue(
                    dropping.requests().stream().anyMatch(r -> r.method().equals("GET")),
                    "the dropping member read GETs");
            assertTrue(
                    MetricScrape.value(
                                    admin,
                                    "serai_upstream_retries_total",
                                    "reason=\"no_response\"",
                                    "backend=\"" + dropping.url() + "\"")
                            > 0,
                    "GETs sent on were counted");
        }
    }

    @Test
    void aStreamedBodyLargerThanTheReplayBufferStillGoesWholeToTheNextMember() throws Exception {
        // Nothing of the body went anywhere while no connection was made, so all of it is still there to send.
        try (TestBackend echo = TestBackend.start("echo").respondWith(Behaviours.echo());
                RunningSerai serai = RunningSerai.routes(ROUTE)
                        .property("backend.1", TestBackend.refusingUrl())
                        .property("backend.2", echo.url())
                        .property("backend.3", echo.url())
                        .start(tmp)) {
            byte[] body = Behaviours.pattern(1024 * 1024);
            for (int i = 0; i < 3; i++) {
                byte[] head = ("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
                RawResponse r = SlowClients.sendInParts(serai.port(), head, body);
                assertEquals(200, r.status(), "upload " + i + ": " + r.bodyText());
                assertEquals(String.valueOf(body.length), r.header("X-Received-Length"), "upload " + i);
            }
            assertTrue(
                    echo.requests().stream().allMatch(q -> Behaviours.isPattern(q.body())),
                    "every upload arrived whole");
        }
    }

    /** Even numbers GET, odd ones POST a small body; the status, or -1 when the connection failed. */
    private static int send(int port, int seq) {
        return Integer.parseInt(answer(port, seq).split(" ", 2)[0]);
    }

    /** As {@link #send}: the status, followed by the error body when it is not 200. */
    private static String answer(int port, int seq) {
        String request = seq % 2 == 0
                ? "GET /items/" + seq + " HTTP/1.1\r\nHost: h\r\nX-Seq: " + seq + "\r\n\r\n"
                : "POST /items HTTP/1.1\r\nHost: h\r\nX-Seq: " + seq + "\r\nContent-Length: 2\r\n\r\n{}";
        try {
            RawResponse r = RawHttp.exchange(port, request);
            return r.status() == 200 ? "200" : r.status() + " " + r.bodyText().trim();
        } catch (IOException e) {
            return "-1 " + e;
        }
    }
}
