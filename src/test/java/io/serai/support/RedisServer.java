package io.serai.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real {@code redis-server} (the Debian package; {@code .ci/run} installs it) on a loopback port of its
 * own, without persistence. {@link #kill()} stops it as a crash would (SIGKILL: every connection drops);
 * {@link #start()} brings it back on the same port, empty, as a restarted Redis without persistence.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final List<String> tls;
    private Process process;

    private RedisServer(int port, Path dir, List<String> tls) {
        this.port = port;
        this.dir = dir;
        this.tls = tls;
    }

    public static RedisServer start(Path dir) throws IOException {
        RedisServer server = new RedisServer(RunningSerai.freePort(), dir, List.of());
        server.start();
        return server;
    }

    /**
     * A redis-server that speaks only TLS ({@code rediss://}), with {@code certificate} and {@code key}
     * (PEM files), not asking clients for certificates.
     */
    public static RedisServer startTls(Path dir, Path certificate, Path key) throws IOException {
        RedisServer server = new RedisServer(
                RunningSerai.freePort(),
                dir,
                List.of(
                        "--tls-cert-file", certificate.toString(),
                        "--tls-key-file", key.toString(),
                        "--tls-auth-clients", "no"));
        server.start();
        return server;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}, as {@code serai.redis.url} takes it. */
    public String url() {
        return (tls.isEmpty() ? "redis://" : "rediss://") + "127.0.0.1:" + port;
    }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        Path log = dir.resolve("redis-" + port + ".log");
        ProcessBuilder pb;
        try {
            List<String> args = new java.util.ArrayList<>(List.of(
                    "redis-server",
                    "--port",
                    tls.isEmpty() ? String.valueOf(port) : "0",
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                    // DEBUG SLEEP from loopback only: a test makes Redis slow with it.
                    "--enable-debug-command",
                    "local",
                    "--dir",
                    dir.toString()));
            if (!tls.isEmpty()) {
                args.addAll(List.of("--tls-port", String.valueOf(port)));
                args.addAll(tls);
            }
            pb = new ProcessBuilder(args);
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = pb.start();
        } catch (IOException e) {
            throw new IOException("redis-server is needed by the shared-mode tests: apt-get install redis-server", e);
        }
        Waits.upTo(Duration.ofSeconds(10))
                .alias("redis-server on " + port + " answers PING")
                .until(this::answers);
    }

    /** Stops it as a crash would: SIGKILL, every client connection reset. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sends one inline command and returns the first reply line (for checks: DBSIZE, KEYS). */
    public String command(String line) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            StringBuilder reply = new StringBuilder();
            int c;
            while ((c = socket.getInputStream().read()) != -1 && c != '\n') {
                reply.append((char) c);
            }
            return reply.toString().trim();
        }
    }

    private boolean answers() {
        if (!tls.isEmpty()) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }
        try {
            return "+PONG".equals(command("PING"));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        kill();
    }
}
