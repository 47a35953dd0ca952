import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes Serai's AppCDS archive (a JDK 17 dynamic archive, -XX:ArchiveClassesAtExit): starts the jar with the
 * shipped JVM options on the shipped demo routes, waits for the first proxied response, sends the requests a
 * first minute usually brings (proxy, aggregation, admin endpoints), then stops it with SIGTERM, at which the
 * JVM writes the classes it loaded. jvm.options names the archive, so the next start maps those classes
 * instead of parsing and verifying them again. Run by `./mvnw package` (exec-maven-plugin) and by the
 * Dockerfile for its jlink runtime, which needs an archive of its own.
 *
 * <p>Usage: {@code java scripts/AppCdsArchive.java <java> <jar> <archive> <jvm.options> <routes dir>}.
 * A failure only warns: Serai runs without the archive, just starts slower.
 */
public final class AppCdsArchive {

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: AppCdsArchive <java> <jar> <archive> <jvm.options> <routes dir>");
            System.exit(2);
        }
        Path archive = Path.of(args[2]);
        Files.deleteIfExists(archive);
        long started = System.nanoTime();
        try {
            train(args[0], args[1], archive, Path.of(args[3]), args[4]);
            System.out.printf(
                    "AppCDS archive %s (%d KiB) made in %d ms%n",
                    archive, Files.size(archive) / 1024, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (Exception e) {
            Files.deleteIfExists(archive);
            System.err.println("WARNING: no AppCDS archive (Serai runs without it, starting slower): " + e);
        }
    }

    private static void train(String java, String jar, Path archive, Path options, String routes) throws Exception {
        List<String> command = new ArrayList<>(List.of(java));
        for (String line : Files.readAllLines(options)) {
            String option = line.strip();
            // The archive being made is not read; the rest are the options it will be used with.
            if (!option.isEmpty() && !option.startsWith("#") && !option.startsWith("-XX:SharedArchiveFile=")) {
                command.add(option);
            }
        }
        int port = freePort();
        int admin = freePort();
        command.addAll(List.of(
                "-XX:ArchiveClassesAtExit=" + archive,
                "-Dserai.port=" + port,
                "-Ddemo.backend.1.port=" + freePort(),
                "-Ddemo.backend.2.port=" + freePort(),
                "-Dserai.admin.port=" + admin,
                "-Dserai.shutdown.timeout=1s",
                "-Dserai.access-log=stdout",
                "-jar",
                jar));
        Path log = Files.createTempFile("serai-cds-", ".log");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SERAI_ROUTES", routes);
        Process serai = builder.start();
        try {
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            awaitOk(client, serai, "http://127.0.0.1:" + port + "/hello", log);
            for (int i = 0; i < 20; i++) {
                get(client, "http://127.0.0.1:" + port + "/hello");
                get(client, "http://127.0.0.1:" + port + "/profile/42");
            }
            for (String path : List.of("/metrics", "/health/live", "/health/ready", "/health/backends")) {
                get(client, "http://127.0.0.1:" + admin + path);
            }
            serai.destroy();
            if (!serai.waitFor(60, TimeUnit.SECONDS)) {
                throw new IOException("Serai did not stop within 60 s of SIGTERM");
            }
            if (!Files.isRegularFile(archive)) {
                throw new IOException("the JVM wrote no archive; its output:\n" + Files.readString(log));
            }
        } finally {
            serai.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    private static void awaitOk(HttpClient client, Process serai, String url, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!serai.isAlive()) {
                throw new IOException("Serai exited; its output:\n" + Files.readString(log));
            }
            try {
                if (get(client, url) == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IOException("no 200 from " + url + " within 60 s; Serai's output:\n" + Files.readString(log));
    }

    private static int get(HttpClient client, String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
