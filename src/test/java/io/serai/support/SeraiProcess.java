package io.serai.support;

import org.awaitility.core.ConditionTimeoutException;

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
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code java -jar target/serai.jar} started as a user starts it, with environment variables and
 * -D options, its output captured to a file. Used by the end-to-end tests (*IT).
 */
public final class SeraiProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final Path errors;
    private final long startedNanos;

    private SeraiProcess(Process process, Path log, Path errors, long startedNanos) {
        this.process = process;
        this.log = log;
        this.errors = errors;
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

    /** What Serai wrote on stderr, when started with {@link Builder#separateErrors()}. */
    public String errors() {
        try {
            return errors == null ? "" : Files.readString(errors);
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

    /** Sends SIGTERM, as Kubernetes does to stop a pod, and returns at once. */
    public void terminate() {
        process.destroy();
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
     * from process start to that answer. Fails at once, with the output, when the process has exited.
     */
    public Duration awaitStatus(String url, int status, Duration timeout) {
        failingWithOutput(() -> Waits.upTo(timeout)
                .ignoreExceptionsInstanceOf(IOException.class)
                .untilAsserted(() -> {
                    assertAlive();
                    HttpURLConnection c =
                            (HttpURLConnection) URI.create(url).toURL().openConnection();
                    c.setConnectTimeout(500);
                    c.setReadTimeout(2000);
                    try {
                        int answered = c.getResponseCode();
                        // An error status has its body on the error stream; getInputStream() would throw.
                        java.io.InputStream body = answered >= 400 ? c.getErrorStream() : c.getInputStream();
                        if (body != null) {
                            body.readAllBytes();
                        }
                        if (answered != status) {
                            throw new AssertionError("No " + status + " from " + url + " but " + answered);
                        }
                    } finally {
                        c.disconnect();
                    }
                }));
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Polls (at most {@link Waits#PROMPTLY}) until the output holds {@code text}; fails with the output. */
    public void awaitOutput(String text) {
        awaitOutput(text, 1, Waits.PROMPTLY);
    }

    /** Polls (at most {@code timeout}) until the output holds {@code text}; fails with the output. */
    public void awaitOutput(String text, Duration timeout) {
        awaitOutput(text, 1, timeout);
    }

    /** Polls (at most {@code timeout}) until the output holds {@code text} at least {@code times} times. */
    public void awaitOutput(String text, int times, Duration timeout) {
        failingWithOutput(() -> Waits.upTo(timeout).untilAsserted(() -> {
            assertAlive();
            if (Waits.occurrences(output(), text) < times) {
                throw new AssertionError(times + " times \"" + text + "\" expected in the output");
            }
        }));
    }

    /** The first answer of {@code request} once Serai listens (at most {@code timeout}). */
    public <T> T awaitAnswer(Duration timeout, java.util.concurrent.Callable<T> request) {
        AtomicReference<T> answer = new AtomicReference<>();
        failingWithOutput(() -> Waits.upTo(timeout)
                .ignoreExceptionsInstanceOf(IOException.class)
                .untilAsserted(() -> {
                    assertAlive();
                    answer.set(request.call());
                }));
        return answer.get();
    }

    /** The first answer of {@code request} with {@code status}, once Serai listens (at most {@code timeout}). */
    public RawResponse awaitStatus(int status, Duration timeout, java.util.concurrent.Callable<RawResponse> request) {
        AtomicReference<RawResponse> answer = new AtomicReference<>();
        failingWithOutput(() -> Waits.upTo(timeout)
                .ignoreExceptionsInstanceOf(IOException.class)
                .untilAsserted(() -> {
                    assertAlive();
                    RawResponse r = request.call();
                    if (r.status() != status) {
                        throw new AssertionError("expected " + status + " but got " + r.status() + " " + r.bodyText());
                    }
                    answer.set(r);
                }));
        return answer.get();
    }

    private void assertAlive() {
        if (!process.isAlive()) {
            // Not an AssertionError: Awaitility would try again; this ends the wait at once.
            throw new IllegalStateException("Serai exited with " + process.exitValue());
        }
    }

    private void failingWithOutput(Runnable wait) {
        try {
            wait.run();
        } catch (ConditionTimeoutException | IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "; output:\n" + output(), e);
        }
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
        private final List<String> arguments = new ArrayList<>();
        private boolean asTheReadmeStartsIt;
        private boolean separateErrors;

        /** Arguments after {@code -jar serai.jar}, e.g. {@code --check routes/}. */
        public Builder arguments(String... args) {
            arguments.addAll(List.of(args));
            return this;
        }

        /** stderr to its own file ({@link SeraiProcess#errors()}) instead of with stdout. */
        public Builder separateErrors() {
            separateErrors = true;
            return this;
        }

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
            command.addAll(arguments);
            Path log = Files.createTempFile(logDir, "serai-", ".log");
            Path errors = separateErrors ? Files.createTempFile(logDir, "serai-", ".err") : null;
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(log.toFile());
            if (errors == null) {
                pb.redirectErrorStream(true);
            } else {
                pb.redirectError(errors.toFile());
            }
            pb.environment().remove("SERAI_ROUTES");
            pb.environment().remove("SERAI_PLUGINS");
            pb.environment().putAll(env);
            long started = System.nanoTime();
            return new SeraiProcess(pb.start(), log, errors, started);
        }
    }
}
