package io.serai.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Backends for load-balancing tests, each a {@link TestBackend} whose answers a test can change
 * while traffic flows: how long it takes, whether {@code /health} passes, and the ORCA load report
 * it sends on its responses and on {@code /load}. Every answer names the backend in {@code X-Backend}.
 */
public final class MemberBackends implements AutoCloseable {

    private final TestBackend[] backends;
    private final boolean[] healthy;
    private final Duration[] delays;
    private final String[] loadReports;
    private final int[] statuses;

    private MemberBackends(int n) {
        backends = new TestBackend[n];
        healthy = new boolean[n];
        delays = new Duration[n];
        loadReports = new String[n];
        statuses = new int[n];
    }

    public static MemberBackends start(int n) throws IOException {
        MemberBackends m = new MemberBackends(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            m.healthy[i] = true;
            m.delays[i] = Duration.ZERO;
            m.statuses[i] = 200;
            m.backends[i] = TestBackend.start("b" + (i + 1)).respondWith((request, socket, out, name) -> {
                if (request.target().equals("/health")) {
                    int code = m.healthy[index] ? 200 : 503;
                    Behaviours.write(out, request, code, Map.of(), new byte[0]);
                    return true;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("X-Backend", name);
                if (m.loadReports[index] != null) {
                    headers.put("endpoint-load-metrics", m.loadReports[index]);
                }
                if (request.target().equals("/load")) {
                    Behaviours.write(out, request, 200, headers, new byte[0]);
                    return true;
                }
                Duration delay = m.delays[index];
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
                        m.statuses[index],
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
        healthy[i - 1] = value;
        return this;
    }

    public MemberBackends delay(int i, Duration value) {
        delays[i - 1] = value;
        return this;
    }

    /** The status backend {@code i} answers requests with (200 unless set; /health and /load aside). */
    public MemberBackends status(int i, int code) {
        statuses[i - 1] = code;
        return this;
    }

    /** The {@code endpoint-load-metrics} value backend {@code i} sends, or null for none. */
    public MemberBackends loadReport(int i, String value) {
        loadReports[i - 1] = value;
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
