package io.serai.support;

import org.awaitility.core.ConditionFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The waits the tests share, all on Awaitility: a condition polled until it holds, bounded in time, so a
 * slow machine makes a test slower but not wrong. No test sleeps for a fixed time before an assertion.
 */
public final class Waits {

    /** For what follows promptly: a reload, a log line, a member taken out or back. */
    public static final Duration PROMPTLY = Duration.ofSeconds(15);

    /** For a JVM started with {@code java -jar} to listen. */
    public static final Duration STARTUP = Duration.ofSeconds(30);

    private static final Duration POLL = Duration.ofMillis(50);

    private Waits() {}

    /** Awaitility polling at once and then every 50 ms, for at most {@code timeout}. */
    public static ConditionFactory upTo(Duration timeout) {
        return await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL);
    }

    /**
     * The first answer of {@code request} with {@code status}, tried again (at most {@code timeout}) while it
     * answers another status or fails to connect; fails with the last status and body.
     */
    public static RawResponse forStatus(int status, Duration timeout, Callable<RawResponse> request) {
        AtomicReference<RawResponse> answer = new AtomicReference<>();
        upTo(timeout).ignoreExceptionsInstanceOf(IOException.class).untilAsserted(() -> {
            RawResponse r = request.call();
            assertEquals(status, r.status(), r.bodyText());
            answer.set(r);
        });
        return answer.get();
    }

    /** The first answer of {@code request}, tried again (at most {@code timeout}) until something listens. */
    public static <T> T forAnswer(Duration timeout, Callable<T> request) {
        return upTo(timeout).ignoreExceptionsInstanceOf(IOException.class).until(request, answer -> true);
    }

    /** Polls {@code request} until its tally (see {@link Traffic}) is {@code expected}, every 200 ms. */
    public static void forTally(
            Map<String, Integer> expected, Duration timeout, Supplier<Map<String, Integer>> request) {
        upTo(timeout).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertEquals(expected, request.get()));
    }

    /** {@code text} once it holds {@code needle} at least {@code times} times (e.g. a log, read anew each poll). */
    public static String forText(Supplier<String> text, String needle, int times, Duration timeout) {
        AtomicReference<String> seen = new AtomicReference<>("");
        upTo(timeout).untilAsserted(() -> {
            String now = text.get();
            seen.set(now);
            assertTrue(occurrences(now, needle) >= times, times + " times \"" + needle + "\" expected in:\n" + now);
        });
        return seen.get();
    }

    public static String forText(Supplier<String> text, String needle, Duration timeout) {
        return forText(text, needle, 1, timeout);
    }

    /** The text of {@code file} once it exists and holds {@code needle} (an access log, written after the answer). */
    public static String forFileText(Path file, String needle, Duration timeout) {
        return forText(() -> textOf(file), needle, 1, timeout);
    }

    static int occurrences(String text, String needle) {
        return text.split(Pattern.quote(needle), -1).length - 1;
    }

    private static String textOf(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
