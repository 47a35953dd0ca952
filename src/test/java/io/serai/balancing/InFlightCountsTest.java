package io.serai.balancing;

import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A balancer's in-flight counts go back to zero whatever way a request ends. */
class InFlightCountsTest {

    private static final String ROUTE = """
            - route:
                id: lc
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        customLoadBalancer:
                          ref: leastConnections
                        steps:
                          - to: "netty-http:{{backend.1}}"
                          - to: "netty-http:{{backend.2}}"
            """;

    @TempDir
    Path tmp;

    TestBackend b1;
    TestBackend b2;
    RunningSerai serai;
    HealthAwareLoadBalancer balancer;

    @BeforeEach
    void start() throws Exception {
        b1 = TestBackend.start("b1");
        b2 = TestBackend.start("b2");
        serai = RunningSerai.routes(ROUTE)
                .property("backend.1", b1.url())
                .property("backend.2", b2.url())
                .property("serai.upstream.timeout", "300ms")
                .property("serai.health.passive.consecutive-failures", "0")
                .start(tmp);
        balancer = Balancers.of(serai.context(), "lc");
    }

    @AfterEach
    void stop() throws Exception {
        serai.close();
        b1.close();
        b2.close();
    }

    @Test
    void countsReturnToZeroAfterBackendErrors() throws Exception {
        b1.respondWith(Behaviours.resetImmediately());
        b2.respondWith(Behaviours.garbage());
        for (int i = 0; i < 10; i++) {
            assertEquals(
                    502,
                    RawHttp.exchange(serai.port(), "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                            .status());
        }
        Balancers.awaitNothingInFlight(balancer, Duration.ofSeconds(2));
    }

    @Test
    void countsReturnToZeroAfterTimeouts() throws Exception {
        b1.respondWith(Behaviours.slow(Duration.ofSeconds(2)));
        b2.respondWith(Behaviours.slow(Duration.ofSeconds(2)));
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<RawResponse>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                answers.add(clients.submit(() -> RawHttp.exchange(serai.port(), "GET / HTTP/1.1\r\nHost: h\r\n\r\n")));
            }
            assertTrue(balancer.members().stream().mapToInt(Member::inFlight).sum() <= 6);
            for (Future<RawResponse> answer : answers) {
                assertEquals(504, answer.get().status());
            }
        } finally {
            clients.shutdownNow();
        }
        Balancers.awaitNothingInFlight(balancer, Duration.ofSeconds(2));
    }

    @Test
    void countsReturnToZeroWhenClientsLeave() throws Exception {
        b1.respondWith(Behaviours.slow(Duration.ofSeconds(3)));
        b2.respondWith(Behaviours.slow(Duration.ofSeconds(3)));
        List<RawHttp> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(RawHttp.connect(serai.port()).send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        }
        b1.awaitRequests(2, Duration.ofSeconds(2));
        b2.awaitRequests(2, Duration.ofSeconds(2));
        assertEquals(4, balancer.members().stream().mapToInt(Member::inFlight).sum(), "two in flight to each member");
        for (RawHttp c : clients) {
            c.close();
        }
        Balancers.awaitNothingInFlight(balancer, Duration.ofSeconds(2));
    }
}
