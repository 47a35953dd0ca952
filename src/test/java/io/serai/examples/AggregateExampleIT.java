package io.serai.examples;

import io.serai.support.Behaviour;
import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** examples/aggregate.camel.yaml on the jar, in front of three real backends. */
class AggregateExampleIT {

    @TempDir
    static Path tmp;

    static TestBackend users;
    static TestBackend orders;
    static TestBackend recommendations;
    static SeraiProcess serai;
    static int port;

    static Behaviour json(String body) {
        return (request, socket, out, name) -> {
            Behaviours.write(
                    out,
                    request,
                    200,
                    Map.of("Content-Type", "application/json"),
                    body.replace("$TARGET", request.target()).getBytes(StandardCharsets.UTF_8));
            return true;
        };
    }

    @BeforeAll
    static void start() throws Exception {
        users = TestBackend.start("users").respondWith(json("{\"id\":\"42\",\"name\":\"Ann\",\"path\":\"$TARGET\"}"));
        orders = TestBackend.start("orders").respondWith(json("[{\"order\":1,\"path\":\"$TARGET\"},{\"order\":2}]"));
        recommendations = TestBackend.start("recs").respondWith(json("{\"items\":[\"book\"],\"path\":\"$TARGET\"}"));
        port = RunningSerai.freePort();
        serai = SeraiProcess.builder()
                .env("SERAI_ROUTES", "examples/aggregate.camel.yaml")
                .property("serai.port", port)
                .property("backend.1", users.url())
                .property("backend.2", orders.url())
                .property("backend.3", recommendations.url())
                .start(tmp);
        serai.awaitStatus("http://127.0.0.1:" + port + "/profile/1", 200, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        users.close();
        orders.close();
        recommendations.close();
    }

    @Test
    void aProfileIsAssembledFromThreeCalls() throws Exception {
        RawResponse r = RawHttp.exchange(port, "GET /profile/42 HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("true", r.header("Serai-Completed"));
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
        assertEquals(
                "{\"user\":{\"id\":\"42\",\"name\":\"Ann\",\"path\":\"/users/42\"},"
                        + "\"orders\":[{\"order\":1,\"path\":\"/orders?user=42\"},{\"order\":2}],"
                        + "\"recommendations\":{\"items\":[\"book\"],\"path\":\"/recommendations/42\"}}",
                r.bodyText());
        assertEquals(null, users.lastRequest().header("id"), "a path parameter is not sent as a header");
    }

    @Test
    void aPathParameterCannotAddAQueryParameterOrASegmentToACall() throws Exception {
        RawResponse r = RawHttp.exchange(port, "GET /profile/7&admin=true HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("/users/7%26admin%3Dtrue", users.lastRequest().target());
        assertEquals("/orders?user=7%26admin%3Dtrue", orders.lastRequest().target());
        assertEquals(
                "/recommendations/7%26admin%3Dtrue",
                recommendations.lastRequest().target());
    }

    @Test
    void aDotSegmentIsNeverAPathParameter() throws Exception {
        int before = users.requests().size();
        for (String target : new String[] {"/profile/..", "/profile/%2e%2e", "/profile/.", "/profile/a%2Fb"}) {
            RawResponse r = RawHttp.exchange(port, "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
            assertTrue(r.status() == 404 || r.status() == 400, target + ": " + r.status());
        }
        assertEquals(before, users.requests().size(), "a dot segment reached the users backend");
    }
}
