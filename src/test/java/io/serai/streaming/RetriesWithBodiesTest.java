package io.serai.streaming;

import io.serai.support.Behaviours;
import io.serai.support.MetricScrape;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SlowClients;
import io.serai.support.StreamingBackend;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A request whose body streams is sent again, by a retry or a failover, while all of it that has gone is
 * still kept (serai.stream.replay-buffer, 64 KiB), or when none of it had gone (the member could not be
 * connected); a larger one that has started to flow is not, and that is counted in
 * serai_retries_skipped_total{reason="request-body"}.
 */
@Timeout(60)
class RetriesWithBodiesTest {

    private static final String ROUTES = """
            - beans:
                - name: retries
                  type: "#class:io.serai.resilience.RetryPolicy"
                  properties:
                    attempts: 3
                    budget: 1.0
                    minRetriesPerSecond: 100
                    backoff: 1ms
            - route:
                id: retried
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: retries
                        steps:
                          - to: "netty-http:http://{{flaky}}"
            - route:
                id: retried-buffered
                from:
                  uri: "netty-http:http://127.0.0.1:{{buffered.port}}/?matchOnUriPrefix=true&requestBuffering=true"
                  steps:
                    - policy:
                        ref: retries
                        steps:
                          - to: "netty-http:http://{{flaky}}"
            - route:
                id: retried-past-a-refusal
                from:
                  uri: "netty-http:http://127.0.0.1:{{refusal.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: retries
                        steps:
                          - loadBalance:
                              roundRobinLoadBalancer: {}
                              steps:
                                - to: "netty-http:{{gone}}"
                                - to: "netty-http:http://{{good}}"
            - route:
                id: failover
                from:
                  uri: "netty-http:http://127.0.0.1:{{failover.port}}/?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        failoverLoadBalancer: {}
                        steps:
                          - to: "netty-http:http://{{dropping}}"
                          - to: "netty-http:http://{{good}}"
            """;

    @TempDir
    static Path dir;

    static StreamingBackend flaky;
    static StreamingBackend dropping;
    static TestBackend good;
    static RunningSerai serai;
    static int refusalPort;
    static int failoverPort;
    static int admin;
    static int bufferedPort;

    @BeforeAll
    static void start() throws Exception {
        // Reads each request whole, then closes without a word: a "reset" to retries, "no response" to failover.
        StreamingBackend.Script dropsIt = c -> c.readBody(c.readHead());
        flaky = StreamingBackend.start(dropsIt);
        dropping = StreamingBackend.start(dropsIt);
        good = TestBackend.start("good").respondWith(Behaviours.echo());
        int[] ports = RunningSerai.freePorts(4);
        refusalPort = ports[0];
        failoverPort = ports[1];
        admin = ports[2];
        bufferedPort = ports[3];
        serai = RunningSerai.routes(ROUTES)
                .property("flaky", flaky.hostPort())
                .property("dropping", dropping.hostPort())
                .property("good", good.hostPort())
                .property("gone", TestBackend.refusingUrl())
                .property("refusal.port", refusalPort)
                .property("buffered.port", bufferedPort)
                .property("failover.port", failoverPort)
                .property("serai.admin.port", admin)
                .property("serai.health.passive.consecutive-failures", 0)
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        flaky.close();
        dropping.close();
        good.close();
    }

    @BeforeEach
    void firstTryFailsThenTheBackendEchoes() {
        int[] seen = {0};
        flaky.script(c -> {
            if (seen[0]++ == 0) {
                c.readBody(c.readHead());
                return;
            }
            StreamingBackend.RequestHead head = c.readHead();
            byte[] body = c.readBody(head);
            c.head(200, "Content-Length", String.valueOf(body.length), "Connection", "close");
            c.send(body);
        });
    }

    @Test
    void aStreamedBodyWithinTheReplayBufferIsSentAgainWholeOnARetry() throws Exception {
        byte[] body = Behaviours.pattern(32 * 1024);
        int tries = flaky.conversations().size();
        RawResponse r = putStreamed(serai.port(), body);
        assertEquals(200, r.status(), r.bodyText());
        assertArrayEquals(body, r.body(), "the retry sent the whole body");
        assertEquals(tries + 2, flaky.conversations().size(), "the first try and the retry");
    }

    @Test
    void aStreamedBodyPastTheReplayBufferIsNotRetriedAndThatIsCounted() throws Exception {
        double skipped = skipped("retried");
        int tries = flaky.conversations().size();
        RawResponse r = putStreamed(serai.port(), Behaviours.pattern(1024 * 1024));
        assertEquals(502, r.status());
        assertEquals(tries + 1, flaky.conversations().size(), "one try only");
        assertEquals(skipped + 1, skipped("retried"));
    }

    @Test
    void onARouteWithRequestBufferingALargeBodyIsHeldWholeAndRetried() throws Exception {
        byte[] body = Behaviours.pattern(1024 * 1024);
        int tries = flaky.conversations().size();
        RawResponse r = putStreamed(bufferedPort, body);
        assertEquals(200, r.status(), r.bodyText());
        assertArrayEquals(body, r.body());
        assertEquals(tries + 2, flaky.conversations().size(), "the first try and the retry");
    }

    @Test
    void aLargeBodyIsRetriedWholeAfterAMemberThatCouldNotBeConnectedForNoneOfItHadGone() throws Exception {
        byte[] body = Behaviours.pattern(1024 * 1024);
        // Round robin: one of two requests goes to the refusing member first. Sent with its head at once, the
        // body is past the replay buffer before the first try fails; but none of it had gone anywhere.
        for (int i = 0; i < 2; i++) {
            RawResponse r = put(refusalPort, body, false);
            assertEquals(200, r.status(), r.bodyText());
            assertArrayEquals(body, r.body());
        }
    }

    @Test
    void failoverSendsABodyWithinTheReplayBufferToTheNextMember() throws Exception {
        byte[] body = Behaviours.pattern(32 * 1024);
        RawResponse r = putStreamed(failoverPort, body);
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("good", r.header("X-Backend"));
        assertArrayEquals(body, r.body());
    }

    @Test
    void failoverDoesNotSendABodyPastTheReplayBufferElsewhereAndThatIsCounted() throws Exception {
        double skipped = skipped("failover");
        int answered = good.requests().size();
        RawResponse r = putStreamed(failoverPort, Behaviours.pattern(1024 * 1024));
        assertEquals(502, r.status());
        assertEquals(answered, good.requests().size(), "the next member never got a part of the body");
        assertEquals(skipped + 1, skipped("failover"));
    }

    /** A PUT whose body follows its head a moment later, so that it streams (it does not arrive with the head). */
    private static RawResponse putStreamed(int port, byte[] body) throws Exception {
        return put(port, body, true);
    }

    private static RawResponse put(int port, byte[] body, boolean pauseAfterHead) throws Exception {
        byte[] head = ("PUT /doc HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        if (pauseAfterHead) {
            return SlowClients.sendInParts(port, head, body);
        }
        byte[] whole = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, whole, head.length, body.length);
        return SlowClients.sendInParts(port, whole);
    }

    private static double skipped(String route) throws IOException {
        return MetricScrape.value(
                admin, "serai_retries_skipped_total", "route=\"" + route + "\"", "reason=\"request-body\"");
    }
}
