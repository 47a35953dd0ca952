package io.serai.balancing;

import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which failures move a request to the next member, and which never do. */
class FailoverTest {

    private static final String ROUTES = """
            - route:
                id: failover
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/safe?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        failoverLoadBalancer: {}
                        steps:
                          - to: "netty-http:{{backend.1}}"
                          - to: "netty-http:{{backend.2}}"
            - route:
                id: failover-any-method
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/any?matchOnUriPrefix=true"
                  steps:
                    - setProperty:
                        name: seraiFailoverNonIdempotent
                        constant: true
                    - loadBalance:
                        failoverLoadBalancer: {}
                        steps:
                          - to: "netty-http:{{backend.1}}"
                          - to: "netty-http:{{backend.2}}"
            """;

    @TempDir
    static Path tmp;

    static TestBackend b1;
    static TestBackend b2;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        b1 = TestBackend.start("b1");
        b2 = TestBackend.start("b2");
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", b1.url())
                .property("backend.2", b2.url())
                .property("serai.health.passive.consecutive-failures", "0")
                .start(tmp);
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        b1.close();
        b2.close();
    }

    @BeforeEach
    void reset() {
        b1.respondWith(Behaviours.json());
        b2.respondWith(Behaviours.json());
    }

    @Test
    void anIdempotentRequestThatGotNoAnswerGoesToTheNextMember() throws Exception {
        b1.respondWith(Behaviours.resetImmediately());
        RawResponse r = send("GET /safe/x HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("b2", r.header("X-Backend"));
    }

    @Test
    void aPostThatGotNoAnswerIsNotSentAgain() throws Exception {
        b1.respondWith(Behaviours.resetImmediately());
        int before = b2.requests().size();
        RawResponse r = send("POST /safe/x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}");
        assertEquals(502, r.status(), r.bodyText());
        assertEquals(before, b2.requests().size(), "the POST may have been processed by b1: not sent twice");
    }

    @Test
    void aRouteCanAllowFailoverForAnyMethod() throws Exception {
        b1.respondWith(Behaviours.resetImmediately());
        RawResponse r = send("POST /any/x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}");
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("b2", r.header("X-Backend"));
        assertEquals("{}", b2.lastRequest().bodyText(), "the same body reaches the next member");
    }

    @Test
    void aResponseThatHasStartedIsNeverSentElsewhere() throws Exception {
        b1.respondWith(Behaviours.truncated());
        int before = b2.requests().size();
        // The head went on to the client as it came; the body broke off: the client sees it cut short.
        org.junit.jupiter.api.Assertions.assertThrows(
                java.io.EOFException.class, () -> send("GET /safe/x HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertEquals(before, b2.requests().size());
    }

    private static RawResponse send(String raw) throws Exception {
        return RawHttp.exchange(serai.port(), raw);
    }
}
