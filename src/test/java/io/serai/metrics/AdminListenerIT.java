package io.serai.metrics;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The jar on its shipped routes, as an operator sees it: admin endpoints and the access log on stdout. */
@Timeout(60)
class AdminListenerIT {

    @Test
    void theShippedDemoIsObservableOnTheAdminListenerAndLogsEachRequest(@TempDir Path tmp) throws Exception {
        int[] ports = RunningSerai.freePorts(4);
        try (SeraiProcess serai = SeraiProcess.builder()
                .property("serai.port", ports[0])
                .property("demo.backend.1.port", ports[1])
                .property("demo.backend.2.port", ports[2])
                .property("serai.admin.port", ports[3])
                .start(tmp)) {
            serai.awaitStatus("http://127.0.0.1:" + ports[3] + "/health/ready", 200, Duration.ofSeconds(20));
            for (int i = 0; i < 5; i++) {
                assertEquals(200, get(ports[0], "/hello").status());
            }
            String metrics = get(ports[3], "/metrics").bodyText();
            assertTrue(metrics.contains("serai_requests_total{code=\"2xx\",route=\"gateway\"} 5.0"), metrics);
            assertTrue(get(ports[3], "/routes").bodyText().contains("\"id\":\"gateway\""));
            assertTrue(get(ports[3], "/").bodyText().contains("<title>Serai status</title>"));
            serai.awaitOutput("\"route\":\"gateway\"", 5, Duration.ofSeconds(5));
            assertTrue(
                    serai.output()
                            .contains(
                                    "\"method\":\"GET\",\"path\":\"/hello\",\"protocol\":\"HTTP/1.1\",\"status\":200"),
                    serai.output());
        }
    }

    private static RawResponse get(int port, String path) throws Exception {
        return RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }
}
