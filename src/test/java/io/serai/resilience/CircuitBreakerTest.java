package io.serai.resilience;

import io.serai.support.MemberBackends;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-member circuit breakers as clients see them, against backends that start failing, hang,
 * recover or are gone. Passive ejection is off, so only the breakers act.
 */
@Timeout(60)
class CircuitBreakerTest {

    private static final String BREAKER = """
                        resilience4jConfiguration:
                          failureRateThreshold: 50
                          slidingWindowSize: 10
                          minimumNumberOfCalls: 4
                          waitDurationInOpenState: 2
                          permittedNumberOfCallsInHalfOpenState: 2
            """;

    private static final String ROUTES = """
            - route:
                id: balanced
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - circuitBreaker:
            %s
                        steps:
                          - loadBalance:
                              roundRobinLoadBalancer: {}
                              steps:
                                - to: "netty-http:{{backend.1}}"
                                - to: "netty-http:{{backend.2}}"
            - route:
                id: with-fallback
                from:
                  uri: "netty-http:http://127.0.0.1:{{fallback.port}}/?matchOnUriPrefix=true"
                  steps:
                    - circuitBreaker:
            %s
                        steps:
                          - loadBalance:
                              roundRobinLoadBalancer: {}
                              steps:
                                - to: "netty-http:{{backend.1}}"
                                - to: "netty-http:{{backend.2}}"
                        onFallback:
                          steps:
                            - setHeader: {name: CamelHttpResponseCode, constant: 503}
                            - setBody: {constant: "fallback"}
            - route:
                id: single
                from:
                  uri: "netty-http:http://127.0.0.1:{{single.port}}/?matchOnUriPrefix=true"
                  steps:
                    - circuitBreaker:
            %s
                        steps:
                          - to: "netty-http:{{backend.gone}}"
            """.formatted(BREAKER, BREAKER, BREAKER);

    @TempDir
    Path dir;

    private MemberBackends members;
    private RunningSerai serai;
    private int fallbackPort;
    private int singlePort;

    private void start() throws Exception {
        members = MemberBackends.start(2);
        int[] ports = RunningSerai.freePorts(2);
        fallbackPort = ports[0];
        singlePort = ports[1];
        RunningSerai.Builder b = RunningSerai.routes(ROUTES)
                .property("fallback.port", fallbackPort)
                .property("single.port", singlePort)
                .property("backend.gone", TestBackend.refusingUrl())
                .property("serai.health.passive.consecutive-failures", 0)
                .property("serai.upstream.timeout", "300ms");
        b.properties(members.properties());
        serai = b.start(dir);
    }

    @AfterEach
    void stop() throws IOException {
        if (serai != null) {
            serai.close();
        }
        if (members != null) {
            members.close();
        }
    }

    @Test
    void aMemberThatStartsFailingIsCutOffAndClientsSeeOnlySuccessesAfterwards() throws Exception {
        start();
        members.status(2, 500);
        List<Integer> warmUp = statuses(serai.port(), 10);
        assertTrue(warmUp.contains(500), "member 2 failed before its breaker opened: " + warmUp);
        List<Integer> after = statuses(serai.port(), 30);
        assertEquals(List.of(200), after.stream().distinct().toList(), "no error once the breaker opened: " + after);
        assertTrue(
                members.backend(2).requests().size() <= 6,
                "member 2 was left alone: " + members.backend(2).requests().size());
    }

    @Test
    void aHangingMemberIsCutOffToo() throws Exception {
        start();
        members.delay(2, Duration.ofSeconds(2));
        statuses(serai.port(), 10);
        List<Integer> after = statuses(serai.port(), 20);
        assertEquals(List.of(200), after.stream().distinct().toList(), after.toString());
    }

    @Test
    void aRecoveredMemberIsProbedAndUsedAgain() throws Exception {
        start();
        members.status(2, 500);
        statuses(serai.port(), 10);
        int cutOff = members.backend(2).requests().size();
        members.status(2, 200);
        Waits.upTo(Waits.PROMPTLY)
                .pollInterval(Duration.ofMillis(100))
                .alias("member 2 gets traffic again")
                .until(() -> {
                    statuses(serai.port(), 4);
                    return members.backend(2).requests().size() >= cutOff + 5;
                });
        assertEquals(
                List.of(200), statuses(serai.port(), 10).stream().distinct().toList());
    }

    @Test
    void fourHundredsNeverOpenABreaker() throws Exception {
        start();
        members.status(2, 404);
        statuses(serai.port(), 20);
        int before = members.backend(2).requests().size();
        statuses(serai.port(), 10);
        assertEquals(before + 5, members.backend(2).requests().size(), "member 2 still gets its share");
    }

    @Test
    void whenEveryBreakerIsOpenTheRouteAnswers503AtOnceOrItsFallback() throws Exception {
        start();
        members.status(1, 500).status(2, 500);
        statuses(serai.port(), 12);
        statuses(fallbackPort, 12);
        int before = members.backend(1).requests().size()
                + members.backend(2).requests().size();
        long start = System.nanoTime();
        RawResponse open = get(serai.port());
        assertEquals(503, open.status());
        assertTrue(Integer.parseInt(open.header("Retry-After")) >= 1, open.header("Retry-After"));
        RawResponse fallback = get(fallbackPort);
        assertEquals(503, fallback.status());
        assertEquals("fallback", fallback.bodyText());
        assertEquals("circuit-open", fallback.header("Serai-Fallback"));
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "answered without trying a backend");
        assertEquals(
                before,
                members.backend(1).requests().size()
                        + members.backend(2).requests().size());
    }

    @Test
    void aBreakerAroundOneBackendStopsConnectingWhileOpen() throws Exception {
        start();
        List<Integer> statuses = statuses(singlePort, 8);
        assertEquals(502, statuses.get(0), "connection refused");
        assertEquals(503, (int) statuses.get(statuses.size() - 1), "open: " + statuses);
        assertTrue(get(singlePort).header("Retry-After") != null);
    }

    @Test
    void theStepsBlockingOptionsAreRefusedWithAReason() {
        String route = """
                - route:
                    id: shop
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/"
                      steps:
                        - circuitBreaker:
                            resilience4jConfiguration:
                              timeoutEnabled: true
                            steps:
                              - to: "netty-http:http://127.0.0.1:9"
                """;
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(
                Exception.class, () -> RunningSerai.routes(route).start(dir).close());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(
                messages.toString().contains("bulkheadEnabled and timeoutEnabled are not supported"),
                messages.toString());
    }

    private static List<Integer> statuses(int port, int n) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(get(port).status());
        }
        return out;
    }

    private static RawResponse get(int port) throws IOException {
        return RawHttp.exchange(port, "GET /t HTTP/1.1\r\nHost: a\r\n\r\n");
    }
}
