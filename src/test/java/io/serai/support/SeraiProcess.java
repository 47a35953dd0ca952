package io.serai.support;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar target/serai.jar} started as a user starts it, with environment variables and
 * -D options, its output captured to a file. Used by the end-to-end tests (*IT).
 */
public final class SeraiProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final long startedNanos;

    private SeraiProcess(Process process, Path log, long startedNanos) {
        this.process = process;
        this.log = log;
        this.startedNanos = startedNanos;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The JVM's process id, e.g. for reading its memory ({@link ResidentMemory}). */
    public long pid() {
        return process.pid();
    }

    /** Waits (bounded) for the process to end and returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("Serai did not exit within " + timeout + "; output:\n" + output());
        }
        return process.exitValue();
    }

    /**
     * Polls {@code url} until it answers with {@code status}, at most {@code timeout}; returns the time
     * from process start to that answer.
     */
    public Duration awaitStatus(String url, int status, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Serai exited with " + process.exitValue() + "; output:\n" + output());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == status) {
                    // An error status has its body on the error stream; getInputStream() would throw.
                    java.io.InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream();
                    if (body != null) {
                        body.readAllBytes();
                    }
                    return Duration.ofNanos(System.nanoTime() - startedNanos);
                }
                c.disconnect();
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("No " + status + " from " + url + " within " + timeout + "; output:\n" + output());
    }

    /** Stops Serai; fails when Netty's leak detector (PARANOID in tests) reported a buffer leak. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        String output = output();
        if (output.contains("LEAK:")) {
            throw new AssertionError("Netty reported a buffer leak in Serai:\n" + output);
        }
    }

    public static final class Builder {
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private boolean asTheReadmeStartsIt;

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /**
         * {@code java @jvm.options -jar serai.jar}: the shipped JVM options come first (a {@link #jvmOption}
         * still overrides one of them), and Netty's leak detection stays at its default, sampling level:
         * PARANOID records a stack trace at every buffer access, which a test of speed or memory would measure.
         */
        public Builder asTheReadmeStartsIt() {
            asTheReadmeStartsIt = true;
            return this;
        }

        public Builder jvmOption(String option) {
            jvmArgs.add(option);
            return this;
        }

        public Builder property(String key, Object value) {
            jvmArgs.add("-D" + key + "=" + value);
            return this;
        }

        /** Each entry as {@link #property}, e.g. {@code MemberBackends.properties()}. */
        public Builder properties(Map<String, ?> values) {
            values.forEach(this::property);
            return this;
        }

        /** The admin listener's port, chosen free unless a test sets serai.admin.port itself. */
        public int adminPort() {
            for (String arg : jvmArgs) {
                if (arg.startsWith("-Dserai.admin.port=")) {
                    return Integer.parseInt(arg.substring("-Dserai.admin.port=".length()));
                }
            }
            int port = RunningSerai.freePort();
            jvmArgs.add("-Dserai.admin.port=" + port);
            return port;
        }

        public SeraiProcess start(Path logDir) throws IOException {
            String jar = System.getProperty("serai.jar", "target/serai.jar");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            if (asTheReadmeStartsIt) {
                command.add("@" + Path.of("jvm.options").toAbsolutePath());
            } else {
                command.add("-Dio.netty.leakDetection.level=paranoid");
            }
            adminPort();
            command.addAll(jvmArgs);
            command.add("-jar");
            command.add(jar);
            Path log = Files.createTempFile(logDir, "serai-", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().remove("SERAI_ROUTES");
            pb.environment().remove("SERAI_PLUGINS");
            pb.environment().putAll(env);
            long started = System.nanoTime();
            return new SeraiProcess(pb.start(), log, started);
        }
    }
}
