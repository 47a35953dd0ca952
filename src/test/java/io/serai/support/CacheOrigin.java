package io.serai.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real backend for cache tests: each test registers how one path answers (status, fields, body,
 * possibly depending on the request), and the origin counts the requests each path receives.
 */
public final class CacheOrigin implements AutoCloseable {

    /** One answer; fields are sent as given (Content-Length is added). */
    public record Answer(int status, Map<String, String> headers, String body) {}

    /** How a path answers its {@code nth} request (1 for the first). */
    @FunctionalInterface
    public interface Responder {
        Answer answer(RecordedRequest request, int nth) throws IOException;
    }

    private final TestBackend backend;
    private final Map<String, Responder> responders = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    private CacheOrigin(TestBackend backend) {
        this.backend = backend;
        backend.respondWith((request, socket, out, name) -> {
            String path = pathOf(request.target());
            int nth = counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            Responder responder = responders.get(path);
            Answer answer = responder == null
                    ? new Answer(404, Map.of(), "no responder for " + path)
                    : responder.answer(request, nth);
            Behaviours.write(
                    out,
                    request,
                    answer.status(),
                    answer.headers(),
                    answer.body().getBytes(StandardCharsets.UTF_8));
            return true;
        });
    }

    public static CacheOrigin start() throws IOException {
        return new CacheOrigin(TestBackend.start("origin"));
    }

    /** {@code status} with {@code body} and fields given as name, value, name, value... */
    public static Answer answer(int status, String body, String... fields) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            headers.put(fields[i], fields[i + 1]);
        }
        return new Answer(status, headers, body);
    }

    public static Answer ok(String body, String... fields) {
        return answer(200, body, fields);
    }

    /** Registers how {@code path} (without its query) answers. */
    public CacheOrigin on(String path, Responder responder) {
        responders.put(path, responder);
        return this;
    }

    /** Requests {@code path} has received. */
    public int count(String path) {
        AtomicInteger n = counts.get(path);
        return n == null ? 0 : n.get();
    }

    public List<RecordedRequest> requestsFor(String path) {
        return backend.requests().stream()
                .filter(r -> pathOf(r.target()).equals(path))
                .toList();
    }

    public String hostPort() {
        return backend.hostPort();
    }

    private static String pathOf(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    @Override
    public void close() throws IOException {
        backend.close();
    }
}
