package io.serai.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests to Serai and a tally of who answered them: by {@code X-Backend}, or by status for answers
 * that did not come from a backend. Every request and every run is bounded in time.
 */
public final class Traffic {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private Traffic() {}

    /** One GET; returns the backend's name, or {@code status:NNN} when no backend answered. */
    public static String get(int port, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200
                    ? r.headers().firstValue("X-Backend").orElse("status:200")
                    : "status:" + r.statusCode();
        } catch (IOException e) {
            return "error:" + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "error:interrupted";
        }
    }

    /** {@code n} GETs one after another, tallied. */
    public static Map<String, Integer> sequential(int port, int n, String... headers) {
        Map<String, Integer> tally = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            tally.merge(get(port, "/t", headers), 1, Integer::sum);
        }
        return tally;
    }

    /** GETs from {@code clients} concurrent clients for {@code duration}, tallied. */
    public static Map<String, Integer> concurrent(int port, int clients, Duration duration)
            throws InterruptedException {
        Map<String, Integer> tally = new ConcurrentHashMap<>();
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicInteger sent = new AtomicInteger();
        for (int c = 0; c < clients; c++) {
            pool.execute(() -> {
                while (System.nanoTime() < end && sent.incrementAndGet() < 1_000_000) {
                    tally.merge(get(port, "/t"), 1, Integer::sum);
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(duration.toMillis() + 15_000, TimeUnit.MILLISECONDS)) {
            pool.shutdownNow();
            throw new AssertionError("clients did not finish");
        }
        return new TreeMap<>(tally);
    }

    /** Who answered one request, and when ({@link System#nanoTime()}). */
    public record Answer(long atNanos, String who) {}

    /**
     * GETs one after another, each noted with when it was answered, until {@code after} has passed since
     * {@code who} first answered (at most {@code bound} in all): how a member's share changes over time.
     */
    public static List<Answer> timeline(int port, String who, Duration after, Duration bound) {
        List<Answer> answers = new ArrayList<>();
        long deadline = System.nanoTime() + bound.toNanos();
        long end = deadline;
        while (System.nanoTime() - end < 0) {
            String answered = get(port, "/t");
            long at = System.nanoTime();
            answers.add(new Answer(at, answered));
            if (answered.equals(who) && end == deadline) {
                end = at + after.toNanos() - deadline < 0 ? at + after.toNanos() : deadline;
            }
        }
        return answers;
    }

    /** When {@code who} first answered in {@code answers}; fails when it never did. */
    public static long firstAnswer(List<Answer> answers, String who) {
        return answers.stream()
                .filter(a -> a.who().equals(who))
                .findFirst()
                .orElseThrow(() -> new AssertionError(who + " never answered"))
                .atNanos();
    }

    /** {@code who}'s share of the answers between {@code fromNanos} and {@code toNanos}; fails on too few to judge. */
    public static double share(List<Answer> answers, String who, long fromNanos, long toNanos) {
        List<Answer> between = answers.stream()
                .filter(a -> a.atNanos() - fromNanos >= 0 && a.atNanos() - toNanos < 0)
                .toList();
        if (between.size() < 20) {
            throw new AssertionError("too few answers to judge a share: " + between.size());
        }
        return between.stream().filter(a -> a.who().equals(who)).count() / (double) between.size();
    }

    public static int count(Map<String, Integer> tally, String key) {
        return tally.getOrDefault(key, 0);
    }
}
