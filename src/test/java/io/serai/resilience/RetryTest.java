package io.serai.resilience;

import io.serai.support.MemberBackends;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retries as clients and backends see them. Passive ejection is off, so every try is the policy's. */
@Timeout(60)
class RetryTest {

    private static final String ROUTES = """
            - beans:
                - name: retries
                  type: "#class:io.serai.resilience.RetryPolicy"
                  properties:
                    attempts: 3
                    budget: 0.2
                    minRetriesPerSecond: 0
                    backoff: 0ms
                - name: roomyRetries
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
                        ref: roomyRetries
                        steps:
                          - loadBalance:
                              roundRobinLoadBalancer: {}
                              steps:
                                - to: "netty-http:{{backend.1}}"
                                - to: "netty-http:{{backend.2}}"
            - route:
                id: budgeted
                from:
                  uri: "netty-http:http://127.0.0.1:{{budget.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: retries
                        steps:
                          - loadBalance:
                              roundRobinLoadBalancer: {}
                              steps:
                                - to: "netty-http:{{backend.1}}"
                                - to: "netty-http:{{backend.2}}"
            - route:
                id: refused-first
                from:
                  uri: "netty-http:http://127.0.0.1:{{refused.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: roomyRetries
                        steps:
                          - loadBalance:
                              roundRobinLoadBalancer: {}
                              steps:
                                - to: "netty-http:{{backend.gone}}"
                                - to: "netty-http:{{backend.2}}"
            - route:
                id: exhausted
                from:
                  uri: "netty-http:http://127.0.0.1:{{exhausted.port}}/?matchOnUriPrefix=true"
                  steps:
                    - circuitBreaker:
                        steps:
                          - policy:
                              ref: roomyRetries
                              steps:
                                - loadBalance:
                                    roundRobinLoadBalancer: {}
                                    steps:
                                      - to: "netty-http:{{backend.gone}}"
                                      - to: "netty-http:{{backend.gone2}}"
                        onFallback:
                          steps:
                            - setHeader: {name: CamelHttpResponseCode, constant: 200}
                            - setBody: {constant: "cached catalog"}
            """;

    @TempDir
    Path dir;

    private MemberBackends members;
    private RunningSerai serai;
    private int budgetPort;
    private int refusedPort;
    private int exhaustedPort;

    private void start() throws Exception {
        members = MemberBackends.start(2);
        int[] ports = RunningSerai.freePorts(3);
        budgetPort = ports[0];
        refusedPort = ports[1];
        exhaustedPort = ports[2];
        RunningSerai.Builder b = RunningSerai.routes(ROUTES)
                .property("budget.port", budgetPort)
                .property("refused.port", refusedPort)
                .property("backend.gone", TestBackend.refusingUrl())
                .property("backend.gone2", TestBackend.refusingUrl())
                .property("exhausted.port", exhaustedPort)
                .property("serai.health.passive.consecutive-failures", 0);
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
    void aGetThatCouldNotConnectIsRetriedOnTheOtherMember() throws Exception {
        start();
        for (int i = 0; i < 10; i++) {
            RawResponse r = request(refusedPort, "GET");
            assertEquals(200, r.status(), r.bodyText());
            assertEquals("b2", r.header("X-Backend"));
        }
        assertEquals(10, members.backend(2).requests().size());
    }

    @Test
    void aGatewayErrorIsRetriedOnTheOtherMemberWithTheSameRequest() throws Exception {
        start();
        members.status(1, 503);
        for (int i = 0; i < 10; i++) {
            RawResponse r = request(serai.port(), "PUT");
            assertEquals(200, r.status());
            assertEquals("b2", r.header("X-Backend"));
        }
        assertTrue(
                members.backend(2).requests().stream()
                        .allMatch(r -> r.bodyText().equals("payload") && "7".equals(r.header("Content-Length"))),
                "every retry carried the same body");
    }

    @Test
    void aPostIsNeverRetriedByDefault() throws Exception {
        start();
        members.status(1, 503);
        int failed = 0;
        for (int i = 0; i < 10; i++) {
            if (request(serai.port(), "POST").status() == 503) {
                failed++;
            }
        }
        assertEquals(5, failed, "every POST that met member 1 got its 503");
        assertEquals(
                10,
                members.backend(1).requests().size()
                        + members.backend(2).requests().size(),
                "ten POSTs, ten backend requests");
    }

    @Test
    void theRetryBudgetHoldsInAFullOutage() throws Exception {
        start();
        members.status(1, 503).status(2, 503);
        for (int i = 0; i < 100; i++) {
            assertEquals(503, request(budgetPort, "GET").status());
        }
        int sent = members.backend(1).requests().size()
                + members.backend(2).requests().size();
        assertTrue(sent >= 100 && sent <= 120, "100 requests may bring at most 20 retries, got " + (sent - 100));
    }

    @Test
    void aRequestIsTriedAtMostAttemptsTimes() throws Exception {
        start();
        members.status(1, 503).status(2, 503);
        for (int i = 0; i < 10; i++) {
            request(serai.port(), "GET");
        }
        assertEquals(
                30,
                members.backend(1).requests().size()
                        + members.backend(2).requests().size());
    }

    @Test
    void whenRetriesAreExhaustedTheFallbackAnswersAndSaysSo() throws Exception {
        start();
        RawResponse r = request(exhaustedPort, "GET");
        assertEquals(200, r.status());
        assertEquals("cached catalog", r.bodyText());
        assertEquals("failed", r.header("Serai-Fallback"));
    }

    private static RawResponse request(int port, String method) throws IOException {
        String body = method.equals("GET") ? "" : "payload";
        return RawHttp.exchange(
                port, method + " /r HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    }
}
