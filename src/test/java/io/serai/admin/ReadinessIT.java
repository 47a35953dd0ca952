package io.serai.admin;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On the packaged jar watching a folder: a bad ConfigMap must not take every replica out of the Service. */
@Timeout(90)
class ReadinessIT {

    @TempDir
    Path tmp;

    @Test
    void brokenRouteFilesPushedWhileRunningLeaveTheReplicaReadyAndItsRoutesServing() throws Exception {
        Path routes = Files.createDirectory(tmp.resolve("routes"));
        Path good = Files.writeString(routes.resolve("good.camel.yaml"), constantRoute("good", "/good", "served"));
        int port = RunningSerai.freePort();
        SeraiProcess.Builder builder = SeraiProcess.builder()
                .env("SERAI_ROUTES", routes.toString())
                .property("serai.port", port)
                .property("serai.reload.interval", "100ms");
        int admin = builder.adminPort();
        try (SeraiProcess serai = builder.start(tmp)) {
            serai.awaitStatus("http://127.0.0.1:" + admin + "/health/ready", 200, Duration.ofSeconds(30));
            List<String> unready = new CopyOnWriteArrayList<>();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    try {
                        RawResponse ready = get(admin, "/health/ready");
                        if (ready.status() != 200) {
                            unready.add(ready.status() + " " + ready.bodyText());
                        }
                    } catch (IOException e) {
                        unready.add(e.toString());
                    }
                }
            });
            sampler.start();
            try {
                // One that does not parse, and an edit of the serving file that Camel refuses to start.
                Files.writeString(routes.resolve("broken.camel.yaml"), "- route:\n    id: b\n    from: {uri: [x\n");
                serai.awaitOutput("Route file not applied", 1, Duration.ofSeconds(10));
                Files.writeString(
                        good,
                        constantRoute("good", "/good", "served")
                                .replace("        - setBody:", "        - to: \"nosuch:thing\"\n        - setBody:"));
                serai.awaitOutput("Route file not applied", 2, Duration.ofSeconds(10));
            } finally {
                sampling.set(false);
                sampler.join(5_000);
            }
            assertTrue(unready.isEmpty(), "readiness turned off: " + unready + "\n" + serai.output());
            RawResponse served = get(port, "/good");
            assertEquals(200, served.status(), "the last good routes keep serving");
            assertEquals("served", served.bodyText());
        }
    }

    private static String constantRoute(String id, String path, String body) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}%s?matchOnUriPrefix=true"
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(id, path, body);
    }

    private static RawResponse get(int port, String path) throws IOException {
        return RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }
}
