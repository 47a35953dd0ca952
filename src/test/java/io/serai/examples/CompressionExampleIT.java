package io.serai.examples;

import io.serai.support.CacheOrigin;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static io.serai.support.CacheOrigin.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/compression.camel.yaml started as its Run line says (SERAI_ROUTES=examples/compression.camel.yaml
 * java -Dbackend.1=... -jar target/serai.jar), with curl --compressed as the client: a JSON answer leaves
 * br-encoded (gzip where this curl has no brotli) with Vary: Accept-Encoding and curl decodes the backend's body; a small one stays as it was.
 */
@Timeout(60)
class CompressionExampleIT {

    private static final String JSON = "{\"items\":[" + "{\"id\":1,\"name\":\"an item\"},".repeat(600) + "{}]}";

    @Test
    void curlGetsTheJsonCompressedAndDecodesItBack(@TempDir Path tmp) throws Exception {
        try (CacheOrigin backend = CacheOrigin.start()) {
            backend.on("/ready", (r, n) -> ok("ready"));
            backend.on("/items", (r, n) -> ok(JSON, "Content-Type", "application/json"));
            int port = RunningSerai.freePort();
            try (SeraiProcess serai = SeraiProcess.builder()
                    .env("SERAI_ROUTES", "examples/compression.camel.yaml")
                    .property("serai.port", port)
                    .property("backend.1", "http://" + backend.hostPort())
                    .start(tmp)) {
                serai.awaitStatus("http://127.0.0.1:" + port + "/ready", 200, Duration.ofSeconds(30));

                String[] items = curl(tmp, "http://127.0.0.1:" + port + "/items");
                String coding = curlDecodesBrotli() ? "br" : "gzip";
                assertTrue(items[0].contains("content-encoding: " + coding), items[0]);
                assertTrue(items[0].contains("vary: accept-encoding"), items[0]);
                assertEquals(JSON, items[1]);

                String[] ready = curl(tmp, "http://127.0.0.1:" + port + "/ready");
                assertTrue(!ready[0].contains("content-encoding"), "5 bytes stay as they are: " + ready[0]);
                assertEquals("ready", ready[1]);
            }
        }
    }

    /**
     * Whether this curl was built with brotli ({@code curl -V}'s Features line): {@code --compressed} then
     * asks for br, which Serai prefers; otherwise it asks for gzip (every curl has libz).
     */
    private static boolean curlDecodesBrotli() throws Exception {
        Process version =
                new ProcessBuilder("curl", "-V").redirectErrorStream(true).start();
        String output = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(version.waitFor(15, TimeUnit.SECONDS), "curl -V did not finish");
        return output.lines()
                .filter(line -> line.startsWith("Features:"))
                .anyMatch(line -> List.of(line.split("\\s+")).contains("brotli"));
    }

    /** The response head (lower case) and the decoded body of {@code curl --compressed url}. */
    private static String[] curl(Path tmp, String url) throws Exception {
        Path head = tmp.resolve("head.txt");
        Path body = tmp.resolve("body.txt");
        Process curl = new ProcessBuilder(
                        "curl",
                        "-sS",
                        "--max-time",
                        "10",
                        "--compressed",
                        "-D",
                        head.toString(),
                        "-o",
                        body.toString(),
                        url)
                .redirectErrorStream(true)
                .start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(15, TimeUnit.SECONDS), "curl did not finish");
        assertEquals(0, curl.exitValue(), output);
        return new String[] {Files.readString(head).toLowerCase(Locale.ROOT), Files.readString(body)};
    }
}
