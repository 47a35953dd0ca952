package io.serai.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Backends for load-balancing tests, each a {@link TestBackend} whose answers a test can change
 * while traffic flows: how long it takes, whether {@code /health} passes, and the ORCA load report
 * it sends on its responses and on {@code /load}. Every answer names the backend in {@code X-Backend}.
 */
public final class MemberBackends implements AutoCloseable {

    private final TestBackend[] backends;
    // Set by the test thread, read by the backends' connection threads: atomic arrays, so every change is seen.
    private final AtomicReferenceArray<Boolean> healthy;
    private final AtomicReferenceArray<Duration> delays;
    private final AtomicReferenceArray<String> loadReports;
    private final AtomicIntegerArray statuses;

    private MemberBackends(int n) {
        backends = new TestBackend[n];
        healthy = new AtomicReferenceArray<>(n);
        delays = new AtomicReferenceArray<>(n);
        loadReports = new AtomicReferenceArray<>(n);
        statuses = new AtomicIntegerArray(n);
    }

    public static MemberBackends start(int n) throws IOException {
        MemberBackends m = new MemberBackends(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            m.healthy.set(i, true);
            m.delays.set(i, Duration.ZERO);
            m.statuses.set(i, 200);
            m.backends[i] = TestBackend.start("b" + (i + 1)).respondWith((request, socket, out, name) -> {
                if (request.target().equals("/health")) {
                    int code = m.healthy.get(index) ? 200 : 503;
                    Behaviours.write(out, request, code, Map.of(), new byte[0]);
                    return true;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("X-Backend", name);
                String loadReport = m.loadReports.get(index);
                if (loadReport != null) {
                    headers.put("endpoint-load-metrics", loadReport);
                }
                if (request.target().equals("/load")) {
                    Behaviours.write(out, request, 200, headers, new byte[0]);
                    return true;
                }
                Duration delay = m.delays.get(index);
                if (!delay.isZero()) {
                    try {
                        Thread.sleep(delay.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                headers.put("Content-Type", "application/json");
                Behaviours.write(
                        out,
                        request,
                        m.statuses.get(index),
                        headers,
                        ("{\"backend\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8));
                return true;
            });
        }
        return m;
    }

    /** Backend {@code i}, counted from 1 as in {@code {{backend.1}}}. */
    public TestBackend backend(int i) {
        return backends[i - 1];
    }

    public int size() {
        return backends.length;
    }

    public MemberBackends healthy(int i, boolean value) {
        healthy.set(i - 1, value);
        return this;
    }

    public MemberBackends delay(int i, Duration value) {
        delays.set(i - 1, value);
        return this;
    }

    /** The status backend {@code i} answers requests with (200 unless set; /health and /load aside). */
    public MemberBackends status(int i, int code) {
        statuses.set(i - 1, code);
        return this;
    }

    /** The {@code endpoint-load-metrics} value backend {@code i} sends, or null for none. */
    public MemberBackends loadReport(int i, String value) {
        loadReports.set(i - 1, value);
        return this;
    }

    /** {@code backend.1=http://127.0.0.1:port} and so on, as the examples expect. */
    public Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < backends.length; i++) {
            p.put("backend." + (i + 1), backends[i].url());
        }
        return p;
    }

    @Override
    public void close() throws IOException {
        for (TestBackend b : backends) {
            b.close();
        }
    }
}
