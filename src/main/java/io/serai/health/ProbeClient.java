package io.serai.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends the GETs of one backend's health checks and load reports. The proxy hands one over with each
 * member endpoint, made by Serai's upstream client, so a probe reaches the backend as its traffic does:
 * same address, same TLS (CA, client certificate, server name).
 */
public interface ProbeClient {

    /**
     * A GET of {@code path} on the backend; completes with its answer, or exceptionally: with a
     * {@link java.util.concurrent.TimeoutException} when no whole answer came within {@code timeout}.
     */
    CompletionStage<ProbeAnswer> get(String path, Duration timeout);

    /**
     * A POST of {@code body} to {@code path} with {@code headers}, on an HTTP/2 stream (what a gRPC call is);
     * the answer's trailer fields come among its headers. Fails as {@link #get} does, and at once for a backend
     * that is not reached over HTTP/2.
     */
    default CompletionStage<ProbeAnswer> postHttp2(
            String path, Map<String, String> headers, byte[] body, Duration timeout) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("HTTP/2 probes are not supported"));
    }
}
