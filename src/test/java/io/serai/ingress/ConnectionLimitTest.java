package io.serai.ingress;

import io.serai.support.RawHttp;
import io.serai.support.RunningSerai;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** serai.limits.max-connections: connections beyond it are closed, established ones keep working. */
@Timeout(30)
class ConnectionLimitTest {

    @Test
    void connectionsBeyondTheLimitAreClosedWithoutHarmingEstablishedOnes(@TempDir Path dir) throws Exception {
        try (RunningSerai serai = RunningSerai.routes("""
                - route:
                    id: self
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                      steps:
                        - setBody:
                            constant: "ok"
                """)
                .property("serai.limits.max-connections", 3)
                .start(dir)) {
            List<RawHttp> established = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    RawHttp c = RawHttp.connect(serai.port());
                    established.add(c);
                    assertEquals(
                            200,
                            c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
                }
                try (RawHttp extra = RawHttp.connect(serai.port())) {
                    assertTrue(extra.closedWithin(2000), "a fourth connection was kept");
                }
                for (RawHttp c : established) {
                    assertEquals(
                            200,
                            c.send("GET /again HTTP/1.1\r\nHost: h\r\n\r\n")
                                    .read()
                                    .status());
                }
                established.remove(0).close();
                // Serai frees the place once it has seen the close; until then a new connection is refused.
                Waits.forStatus(
                        200, Waits.PROMPTLY, () -> RawHttp.exchange(serai.port(), "GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
            } finally {
                for (RawHttp c : established) {
                    c.close();
                }
            }
        }
    }
}
